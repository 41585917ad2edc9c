import { z } from 'zod';
import {
  DEFAULT_SAMPLING,
  type GenerateOptions,
  type PoseImageProvider,
  type PoseImageRequest,
  type ProviderResult,
  type SamplingSettings,
} from './pose-image-provider.js';
import { PermanentProviderError } from './provider-errors.js';
import {
  baseUrlWithoutSlash,
  cancelJobOnFailure,
  downloadImage,
  pngDataUri,
  pollJob,
  requestJson,
  type DownloadPolicy,
} from './provider-http.js';

export const REPLICATE_API_URL = 'https://api.replicate.com';
export const REPLICATE_MODEL = 'lucataco/sdxl-controlnet-openpose';
/** Community models are addressed by version id; this is the published one the reference used. */
export const REPLICATE_MODEL_VERSION = 'd63e0b238b2d963d90348e2dad19830fbe372a7a43d90d234b2b63cae76d4397';
/** Replicate serves outputs from replicate.delivery (and per-region subdomains). */
const REPLICATE_CDN_DOMAINS = ['replicate.delivery'];
const SETTLED_STATUSES = new Set(['succeeded', 'failed', 'canceled', 'aborted']);

export interface ReplicateSettings {
  token: string;
  /** The API origin; REPLICATE_BASE_URL, else https://api.replicate.com (paths start with /v1). */
  baseUrl: string | undefined;
  modelVersion?: string;
  pollIntervalMs?: number;
  sampling?: Partial<SamplingSettings>;
}

const prediction = z.object({
  id: z.string().min(1),
  status: z.string(),
  output: z.union([z.string(), z.array(z.string())]).nullish(),
  error: z.unknown().optional(),
});
type Prediction = z.infer<typeof prediction>;

/**
 * `lucataco/sdxl-controlnet-openpose` through Replicate's predictions API. The create call asks the server to
 * hold the answer (`Prefer: wait`, up to 60 s); a prediction still running then is polled until it settles.
 */
export class ReplicateProvider implements PoseImageProvider {
  readonly name = 'replicate' as const;
  private readonly baseUrl: string;
  private readonly version: string;
  private readonly headers: Record<string, string>;
  private readonly downloads: DownloadPolicy;
  private readonly sampling: SamplingSettings;

  constructor(private readonly settings: ReplicateSettings) {
    this.baseUrl = baseUrlWithoutSlash(settings.baseUrl ?? REPLICATE_API_URL);
    this.version = settings.modelVersion ?? REPLICATE_MODEL_VERSION;
    this.headers = { authorization: `Bearer ${settings.token}` };
    this.downloads = { apiOrigin: new URL(this.baseUrl).origin, cdnDomains: REPLICATE_CDN_DOMAINS };
    this.sampling = { ...DEFAULT_SAMPLING, ...settings.sampling };
  }

  async generate(request: PoseImageRequest, { signal }: GenerateOptions): Promise<ProviderResult> {
    const created = await requestJson(
      this.name,
      `${this.baseUrl}/v1/predictions`,
      {
        method: 'POST',
        headers: { ...this.headers, prefer: 'wait' },
        body: { version: this.version, input: this.inputFor(request) },
        signal,
      },
      prediction,
    );
    const predictionUrl = `${this.baseUrl}/v1/predictions/${encodeURIComponent(created.id)}`;
    const settled = await cancelJobOnFailure(
      () => (SETTLED_STATUSES.has(created.status) ? Promise.resolve(created) : this.waitFor(predictionUrl, signal)),
      (cancelSignal) =>
        requestJson(
          this.name,
          `${predictionUrl}/cancel`,
          { method: 'POST', headers: this.headers, signal: cancelSignal },
          z.unknown(),
        ),
    );
    return {
      ...(await downloadImage(this.name, this.outputUrlOf(settled), this.downloads, signal)),
      provider: this.name,
      modelId: `${REPLICATE_MODEL}:${this.version}`,
      providerJobId: settled.id,
      seed: seedFor(request),
    };
  }

  private waitFor(predictionUrl: string, signal: AbortSignal): Promise<Prediction> {
    return pollJob(this.settings.pollIntervalMs ?? 1_000, signal, async () => {
      const current = await requestJson(
        this.name,
        predictionUrl,
        { method: 'GET', headers: this.headers, signal },
        prediction,
      );
      return SETTLED_STATUSES.has(current.status) ? current : undefined;
    });
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

  private inputFor(request: PoseImageRequest): Record<string, unknown> {
    return {
      image: pngDataUri(request.controlImage),
      prompt: request.prompt,
      negative_prompt: request.negativePrompt,
      num_inference_steps: this.sampling.numInferenceSteps,
      guidance_scale: this.sampling.guidanceScale,
      seed: seedFor(request),
    };
  }
}

/** The model draws a random seed for 0 or less; 1 instead keeps the recorded seed able to reproduce the image. */
function seedFor(request: PoseImageRequest): number {
  return request.seed > 0 ? request.seed : 1;
}
