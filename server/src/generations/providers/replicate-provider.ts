import { z } from 'zod';
import type { ReplicateModel } from '../../config/config.schema.js';
import {
  HostedJobProvider,
  type FinishedJob,
  type HostedJobSettings,
  type JobPlan,
  type SubmittedJob,
} from './hosted-job-provider.js';
import { avatarToSend, DEFAULT_IP_ADAPTER_SCALE, jpegDataUri, referenceJpeg } from './identity-reference.js';
import type { PoseImageRequest } from './pose-image-provider.js';
import { PermanentProviderError } from './provider-errors.js';
import { pngDataUri } from './provider-http.js';

export const REPLICATE_API_URL = 'https://api.replicate.com';
/** The route when REPLICATE_MODEL is unset. */
export const REPLICATE_MODEL: ReplicateModel = 'lucataco/sdxl-controlnet-openpose';
/** Community models are addressed by version id: these are the published versions the adapter was written for. */
export const REPLICATE_MODEL_VERSIONS: Record<ReplicateModel, string> = {
  'lucataco/sdxl-controlnet-openpose': 'd63e0b238b2d963d90348e2dad19830fbe372a7a43d90d234b2b63cae76d4397',
  'zsxkib/instant-id': '2e4785a4d80dadf580077b2244c8d7c05d8e3faac04a04c02d8e099dd2876789',
};
/** Replicate serves outputs from replicate.delivery (and per-region subdomains). */
const REPLICATE_CDN_DOMAINS = ['replicate.delivery'];
const SETTLED_STATUSES = new Set(['succeeded', 'failed', 'canceled', 'aborted']);
/** How strongly the skeleton steers the body: above the model's default 0.4, as the pose is the point here. */
const INSTANT_ID_POSE_STRENGTH = 0.8;

export interface ReplicateSettings extends HostedJobSettings {
  token: string;
  /** REPLICATE_MODEL; `lucataco/sdxl-controlnet-openpose` when unset. */
  model?: ReplicateModel;
  /** Pins another published version of the chosen model. */
  modelVersion?: string;
  /** How strongly the avatar's face steers the person on routes that take it (IP_ADAPTER_SCALE). */
  ipAdapterScale?: number;
}

const prediction = z.object({
  id: z.string().min(1),
  status: z.string(),
  output: z.union([z.string(), z.array(z.string())]).nullish(),
  error: z.unknown().optional(),
});
type Prediction = z.infer<typeof prediction>;

interface ReplicateJob extends SubmittedJob {
  url: string;
  /** The create call's answer: with `Prefer: wait` it is often settled already. */
  created: Prediction;
  sentSeed: number;
}

/**
 * Replicate's predictions API. The create call asks the server to hold the answer (`Prefer: wait`, up to 60 s);
 * a prediction still running then is polled until it settles.
 *
 * Two routes (REPLICATE_MODEL): `lucataco/sdxl-controlnet-openpose` takes the skeleton only;
 * `zsxkib/instant-id` takes the avatar (`image`) and the skeleton (`pose_image`), so the person has the avatar's
 * face. A request without identity goes to the skeleton-only model, as InstantID cannot run without a face.
 */
export class ReplicateProvider extends HostedJobProvider<ReplicateJob> {
  readonly name = 'replicate' as const;
  private readonly model: ReplicateModel;

  constructor(private readonly settings: ReplicateSettings) {
    super(
      {
        defaultBaseUrl: REPLICATE_API_URL,
        authorization: `Bearer ${settings.token}`,
        cdnDomains: REPLICATE_CDN_DOMAINS,
      },
      settings,
    );
    this.model = settings.model ?? REPLICATE_MODEL;
  }

  protected async plan(request: PoseImageRequest): Promise<JobPlan> {
    const avatar = avatarToSend(request, this.model === 'zsxkib/instant-id');
    if (avatar) {
      return {
        modelId: this.modelIdOf('zsxkib/instant-id'),
        identity: 'avatar',
        input: this.instantIdInput(request, await referenceJpeg(avatar)),
      };
    }
    return {
      modelId: this.modelIdOf('lucataco/sdxl-controlnet-openpose'),
      identity: 'none',
      input: this.controlNetInput(request),
    };
  }

  protected async submit(plan: JobPlan, request: PoseImageRequest, signal: AbortSignal): Promise<ReplicateJob> {
    const created = await this.call(
      `${this.baseUrl}/v1/predictions`,
      {
        method: 'POST',
        headers: { prefer: 'wait' },
        body: { version: versionOf(plan.modelId), input: plan.input },
        signal,
      },
      prediction,
    );
    const url = `${this.baseUrl}/v1/predictions/${encodeURIComponent(created.id)}`;
    return { id: created.id, url, created, sentSeed: seedFor(request) };
  }

  protected async waitFor(job: ReplicateJob, signal: AbortSignal): Promise<FinishedJob> {
    const settled = SETTLED_STATUSES.has(job.created.status)
      ? job.created
      : await this.poll(signal, async () => {
          const current = await this.call(job.url, { method: 'GET', signal }, prediction);
          return SETTLED_STATUSES.has(current.status) ? current : undefined;
        });
    return { outputUrl: this.outputUrlOf(settled), seed: job.sentSeed };
  }

  protected cancel(job: ReplicateJob, signal: AbortSignal): Promise<unknown> {
    return this.call(`${job.url}/cancel`, { method: 'POST', signal }, z.unknown());
  }

  /** `owner/name:version`, so a batch can be re-run on exactly the same weights. */
  private modelIdOf(model: ReplicateModel): string {
    const version = model === this.model ? this.settings.modelVersion : undefined;
    return `${model}:${version ?? REPLICATE_MODEL_VERSIONS[model]}`;
  }

  /** The image URL of a succeeded prediction; a failed one is permanent, as the same input fails alike. */
  private outputUrlOf(settled: Prediction): string {
    if (settled.status !== 'succeeded') {
      const reason = typeof settled.error === 'string' ? settled.error : 'no reason given';
      throw new PermanentProviderError(this.name, 'job-failed', `replicate prediction ${settled.status}: ${reason}`);
    }
    const url = Array.isArray(settled.output) ? settled.output[0] : settled.output;
    if (!url)
      throw new PermanentProviderError(this.name, 'invalid-response', 'replicate prediction succeeded without output');
    return url;
  }

  /** Field names from the published schema of lucataco/sdxl-controlnet-openpose. */
  private controlNetInput(request: PoseImageRequest): Record<string, unknown> {
    const sampling = this.samplingFor();
    return {
      image: pngDataUri(request.controlImage),
      prompt: request.prompt,
      negative_prompt: request.negativePrompt,
      num_inference_steps: sampling.numInferenceSteps,
      guidance_scale: sampling.guidanceScale,
      seed: seedFor(request),
    };
  }

  /** Field names from the published schema of zsxkib/instant-id: `image` is the face, `pose_image` the pose. */
  private instantIdInput(request: PoseImageRequest, avatarJpeg: Buffer): Record<string, unknown> {
    const sampling = this.samplingFor();
    return {
      image: jpegDataUri(avatarJpeg),
      pose_image: pngDataUri(request.controlImage),
      enable_pose_controlnet: true,
      pose_strength: INSTANT_ID_POSE_STRENGTH,
      ip_adapter_scale: this.settings.ipAdapterScale ?? DEFAULT_IP_ADAPTER_SCALE,
      prompt: request.prompt,
      negative_prompt: request.negativePrompt,
      num_inference_steps: sampling.numInferenceSteps,
      guidance_scale: sampling.guidanceScale,
      seed: seedFor(request),
      output_format: 'png',
    };
  }
}

function versionOf(modelId: string): string {
  return modelId.slice(modelId.indexOf(':') + 1);
}

/** The models draw a random seed for 0 or less; 1 instead keeps the recorded seed able to reproduce the image. */
function seedFor(request: PoseImageRequest): number {
  return request.seed > 0 ? request.seed : 1;
}
