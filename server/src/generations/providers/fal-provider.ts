import { z } from 'zod';
import type { FalModel } from '../../config/config.schema.js';
import {
  avatarToSend,
  DEFAULT_IP_ADAPTER_SCALE,
  identityOf,
  jpegDataUri,
  referenceJpeg,
} from './identity-reference.js';
import {
  HostedJobProvider,
  type FinishedJob,
  type HostedJobSettings,
  type JobPlan,
  type SubmittedJob,
} from './hosted-job-provider.js';
import type { PoseImageRequest, SamplingSettings } from './pose-image-provider.js';
import { pngDataUri } from './provider-http.js';

export const FAL_QUEUE_URL = 'https://queue.fal.run';
/** The route when FAL_MODEL is unset. */
export const FAL_MODEL: FalModel = 'fal-ai/sdxl-controlnet-union';
/** fal serves outputs from its CDN (v3.fal.media and siblings). */
const FAL_CDN_DOMAINS = ['fal.media'];

/** FLUX.1 [dev]'s own defaults on fal-ai/flux-general: it is guidance-distilled, so a low guidance scale. */
const FLUX_SAMPLING: SamplingSettings = { numInferenceSteps: 28, guidanceScale: 3.5 };
/** A FLUX ControlNet trained on pose skeletons among other modes; fal selects the mode per control image. */
const FLUX_POSE_CONTROLNET = 'InstantX/FLUX.1-dev-Controlnet-Union';
/** XLabs' IP-Adapter for FLUX.1 [dev] with the CLIP image encoder it was trained with. */
const FLUX_IP_ADAPTER = 'XLabs-AI/flux-ip-adapter';
const FLUX_IP_ADAPTER_IMAGE_ENCODER = 'openai/clip-vit-large-patch14';

export interface FalSettings extends HostedJobSettings {
  key: string;
  /** FAL_MODEL; `fal-ai/sdxl-controlnet-union` when unset. */
  model?: FalModel;
  /** How strongly the skeleton steers the render, 0..1 (fal's default 0.5 lets poses drift). */
  controlnetConditioningScale?: number;
  /** How strongly the avatar steers the person on routes that take it (IP_ADAPTER_SCALE). */
  ipAdapterScale?: number;
}

const submission = z.object({ request_id: z.string().min(1) });
const queueStatus = z.object({ status: z.string() });
const output = z.object({
  images: z.array(z.object({ url: z.string().min(1) })).min(1),
  seed: z.number().int().optional(),
});

interface FalJob extends SubmittedJob {
  /** `{base}/{owner}/{app}/requests/{id}`: status, result and cancel hang off it. */
  url: string;
  requestedSeed: number;
}

/**
 * fal's queue: submit, poll the status until COMPLETED, fetch the result, download the image. The queue rather
 * than the synchronous fal.run endpoint because a cold start can outlast a held connection, fal retries runner
 * failures inside its queue, and the request id lets us cancel work we stop waiting for.
 *
 * Two routes (FAL_MODEL): `fal-ai/sdxl-controlnet-union` takes the skeleton only; `fal-ai/flux-general` takes
 * the skeleton through a pose ControlNet and the avatar through an IP-Adapter, so the person looks like it.
 */
export class FalProvider extends HostedJobProvider<FalJob> {
  readonly name = 'fal' as const;
  private readonly model: FalModel;

  constructor(private readonly settings: FalSettings) {
    super(
      { defaultBaseUrl: FAL_QUEUE_URL, authorization: `Key ${settings.key}`, cdnDomains: FAL_CDN_DOMAINS },
      settings,
    );
    this.model = settings.model ?? FAL_MODEL;
  }

  protected async plan(request: PoseImageRequest): Promise<JobPlan> {
    if (this.model === 'fal-ai/sdxl-controlnet-union') {
      return { modelId: this.model, identity: 'none', input: this.controlNetUnionInput(request) };
    }
    const avatar = avatarToSend(request, true);
    return {
      modelId: this.model,
      identity: identityOf(avatar),
      input: this.fluxGeneralInput(request, avatar && (await referenceJpeg(avatar))),
    };
  }

  protected async submit(plan: JobPlan, request: PoseImageRequest, signal: AbortSignal): Promise<FalJob> {
    const { request_id: id } = await this.call(
      `${this.baseUrl}/${plan.modelId}`,
      { method: 'POST', body: plan.input, signal },
      submission,
    );
    const url = `${this.baseUrl}/${appIdOf(plan.modelId)}/requests/${encodeURIComponent(id)}`;
    return { id, url, requestedSeed: request.seed };
  }

  protected async waitFor(job: FalJob, signal: AbortSignal): Promise<FinishedJob> {
    await this.poll(signal, async () => {
      const { status } = await this.call(`${job.url}/status`, { method: 'GET', signal }, queueStatus);
      return status === 'COMPLETED' ? status : undefined;
    });
    // A job that failed is COMPLETED too; its result answers with the error status, classified as usual.
    const result = await this.call(job.url, { method: 'GET', signal }, output);
    return { outputUrl: result.images[0].url, seed: result.seed ?? job.requestedSeed };
  }

  protected cancel(job: FalJob, signal: AbortSignal): Promise<unknown> {
    return this.call(`${job.url}/cancel`, { method: 'PUT', signal }, z.unknown());
  }

  private get controlnetConditioningScale(): number {
    return this.settings.controlnetConditioningScale ?? 0.8;
  }

  /** Field names from fal's published schema of fal-ai/sdxl-controlnet-union. */
  private controlNetUnionInput(request: PoseImageRequest): Record<string, unknown> {
    const sampling = this.samplingFor();
    return {
      prompt: request.prompt,
      negative_prompt: request.negativePrompt,
      // A data URI keeps the call to one round trip; the skeleton PNG is small.
      openpose_image_url: pngDataUri(request.controlImage),
      // We drew the skeleton ourselves; re-detecting a pose on it would find nothing.
      openpose_preprocess: false,
      controlnet_conditioning_scale: this.controlnetConditioningScale,
      num_inference_steps: sampling.numInferenceSteps,
      guidance_scale: sampling.guidanceScale,
      image_size: { width: request.width, height: request.height },
      num_images: 1,
      seed: request.seed,
    };
  }

  /**
   * Field names from fal's published schema of fal-ai/flux-general: `controlnet_unions[].controls[]` with
   * `control_mode: "pose"` for the skeleton, `ip_adapters[]` (`path`, `image_encoder_path`, `image_url`,
   * `scale`) for the avatar. FLUX.1 [dev] has no negative prompt on this endpoint.
   */
  private fluxGeneralInput(request: PoseImageRequest, avatarJpeg: Buffer | undefined): Record<string, unknown> {
    const sampling = this.samplingFor(FLUX_SAMPLING);
    return {
      prompt: request.prompt,
      controlnet_unions: [
        {
          path: FLUX_POSE_CONTROLNET,
          controls: [
            {
              control_image_url: pngDataUri(request.controlImage),
              control_mode: 'pose',
              conditioning_scale: this.controlnetConditioningScale,
            },
          ],
        },
      ],
      ...(avatarJpeg
        ? {
            ip_adapters: [
              {
                path: FLUX_IP_ADAPTER,
                image_encoder_path: FLUX_IP_ADAPTER_IMAGE_ENCODER,
                image_url: jpegDataUri(avatarJpeg),
                scale: this.settings.ipAdapterScale ?? DEFAULT_IP_ADAPTER_SCALE,
              },
            ],
          }
        : {}),
      num_inference_steps: sampling.numInferenceSteps,
      guidance_scale: sampling.guidanceScale,
      image_size: { width: request.width, height: request.height },
      num_images: 1,
      seed: request.seed,
    };
  }
}

/** Queue status and result URLs use the app id (owner/app) without an endpoint sub-path. */
function appIdOf(model: string): string {
  return model.split('/').slice(0, 2).join('/');
}
