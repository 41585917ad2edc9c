import { z } from 'zod';
import {
  DEFAULT_SAMPLING,
  type GenerateOptions,
  type PoseImageProvider,
  type PoseImageRequest,
  type ProviderResult,
  type SamplingSettings,
} from './pose-image-provider.js';
import {
  baseUrlWithoutSlash,
  cancelJobOnFailure,
  downloadImage,
  pngDataUri,
  pollJob,
  requestJson,
  type DownloadPolicy,
} from './provider-http.js';

export const FAL_QUEUE_URL = 'https://queue.fal.run';
export const FAL_MODEL = 'fal-ai/sdxl-controlnet-union';
/** fal serves outputs from its CDN (v3.fal.media and siblings). */
const FAL_CDN_DOMAINS = ['fal.media'];

export interface FalSettings {
  key: string;
  /** The queue API; FAL_BASE_URL, else https://queue.fal.run. */
  baseUrl: string | undefined;
  model?: string;
  pollIntervalMs?: number;
  /** How strongly the skeleton steers the render, 0..1 (fal's default 0.5 lets poses drift). */
  controlnetConditioningScale?: number;
  sampling?: Partial<SamplingSettings>;
}

const submission = z.object({ request_id: z.string().min(1) });
const queueStatus = z.object({ status: z.string() });
const output = z.object({
  images: z.array(z.object({ url: z.string().min(1) })).min(1),
  seed: z.number().int().optional(),
});

/**
 * `fal-ai/sdxl-controlnet-union` through fal's queue: submit, poll the status until COMPLETED, fetch the result,
 * download the image. The queue rather than the synchronous fal.run endpoint because a cold start can outlast
 * a held connection, fal retries runner failures inside its queue, and the request id lets us cancel work we
 * stop waiting for.
 */
export class FalProvider implements PoseImageProvider {
  readonly name = 'fal' as const;
  private readonly baseUrl: string;
  private readonly model: string;
  private readonly headers: Record<string, string>;
  private readonly downloads: DownloadPolicy;
  private readonly sampling: SamplingSettings;

  constructor(private readonly settings: FalSettings) {
    this.baseUrl = baseUrlWithoutSlash(settings.baseUrl ?? FAL_QUEUE_URL);
    this.model = settings.model ?? FAL_MODEL;
    this.headers = { authorization: `Key ${settings.key}` };
    this.downloads = { apiOrigin: new URL(this.baseUrl).origin, cdnDomains: FAL_CDN_DOMAINS };
    this.sampling = { ...DEFAULT_SAMPLING, ...settings.sampling };
  }

  async generate(request: PoseImageRequest, { signal }: GenerateOptions): Promise<ProviderResult> {
    const { request_id: requestId } = await requestJson(
      this.name,
      `${this.baseUrl}/${this.model}`,
      { method: 'POST', headers: this.headers, body: this.inputFor(request), signal },
      submission,
    );
    const jobUrl = `${this.baseUrl}/${appIdOf(this.model)}/requests/${encodeURIComponent(requestId)}`;
    const result = await cancelJobOnFailure(
      async () => {
        await pollJob(this.settings.pollIntervalMs ?? 1_000, signal, async () => {
          const { status } = await requestJson(
            this.name,
            `${jobUrl}/status`,
            { method: 'GET', headers: this.headers, signal },
            queueStatus,
          );
          return status === 'COMPLETED' ? status : undefined;
        });
        // A job that failed is COMPLETED too; its result answers with the error status, classified as usual.
        return requestJson(this.name, jobUrl, { method: 'GET', headers: this.headers, signal }, output);
      },
      (cancelSignal) =>
        requestJson(
          this.name,
          `${jobUrl}/cancel`,
          { method: 'PUT', headers: this.headers, signal: cancelSignal },
          z.unknown(),
        ),
    );
    return {
      ...(await downloadImage(this.name, result.images[0].url, this.downloads, signal)),
      provider: this.name,
      modelId: this.model,
      providerJobId: requestId,
      seed: result.seed ?? request.seed,
    };
  }

  private inputFor(request: PoseImageRequest): Record<string, unknown> {
    return {
      prompt: request.prompt,
      negative_prompt: request.negativePrompt,
      // A data URI keeps the call to one round trip; the skeleton PNG is small.
      openpose_image_url: pngDataUri(request.controlImage),
      // We drew the skeleton ourselves; re-detecting a pose on it would find nothing.
      openpose_preprocess: false,
      controlnet_conditioning_scale: this.settings.controlnetConditioningScale ?? 0.8,
      num_inference_steps: this.sampling.numInferenceSteps,
      guidance_scale: this.sampling.guidanceScale,
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
