import type { z } from 'zod';
import {
  DEFAULT_SAMPLING,
  type GenerateOptions,
  type Identity,
  type PoseImageProvider,
  type PoseImageRequest,
  type ProviderResult,
  type SamplingSettings,
} from './pose-image-provider.js';
import {
  baseUrlWithoutSlash,
  cancelJobOnFailure,
  downloadImage,
  pollJob,
  requestJson,
  type DownloadPolicy,
  type JsonRequest,
} from './provider-http.js';

/** Settings every queue-style hosted provider takes. */
export interface HostedJobSettings {
  /** The provider's API origin or queue URL; its public one when unset. */
  baseUrl: string | undefined;
  pollIntervalMs?: number;
  /** Overrides the route's own sampling defaults. */
  sampling?: Partial<SamplingSettings>;
}

/** How to reach a provider: its public URL, how it wants the key, and the CDN its outputs live on. */
export interface HostedConnection {
  defaultBaseUrl: string;
  authorization: string;
  cdnDomains: readonly string[];
}

/** One render as a provider's model takes it: the JSON input, and what it will be recorded as. */
export interface JobPlan {
  modelId: string;
  identity: Identity;
  input: Record<string, unknown>;
}

/** A job the provider accepted: its id, and whatever the adapter needs to follow it. */
export interface SubmittedJob {
  id: string;
}

/** A job that finished well: where its image is, and the seed to record. */
export interface FinishedJob {
  outputUrl: string;
  seed: number;
}

/**
 * What the fal and Replicate adapters share: submit a job, wait for it (asking the provider to cancel it if we
 * stop waiting for any reason, so nobody pays for a result nobody collects), then download its image from a
 * trusted host. Subclasses say how their model takes a request and how their API names the steps.
 */
export abstract class HostedJobProvider<Job extends SubmittedJob> implements PoseImageProvider {
  abstract readonly name: 'fal' | 'replicate';
  protected readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly downloads: DownloadPolicy;
  private readonly pollIntervalMs: number;
  private readonly samplingOverrides: Partial<SamplingSettings>;

  protected constructor(connection: HostedConnection, settings: HostedJobSettings) {
    this.baseUrl = baseUrlWithoutSlash(settings.baseUrl ?? connection.defaultBaseUrl);
    this.headers = { authorization: connection.authorization };
    this.downloads = { apiOrigin: new URL(this.baseUrl).origin, cdnDomains: connection.cdnDomains };
    this.pollIntervalMs = settings.pollIntervalMs ?? 1_000;
    this.samplingOverrides = settings.sampling ?? {};
  }

  async generate(request: PoseImageRequest, { signal }: GenerateOptions): Promise<ProviderResult> {
    const plan = await this.plan(request);
    const job = await this.submit(plan, request, signal);
    const finished = await cancelJobOnFailure(
      () => this.waitFor(job, signal),
      (cancelSignal) => this.cancel(job, cancelSignal),
    );
    return {
      ...(await downloadImage(this.name, finished.outputUrl, this.downloads, signal)),
      provider: this.name,
      modelId: plan.modelId,
      providerJobId: job.id,
      seed: finished.seed,
      identity: plan.identity,
    };
  }

  /** The model's input for this request; async because reference images are re-encoded first. */
  protected abstract plan(request: PoseImageRequest): Promise<JobPlan>;
  protected abstract submit(plan: JobPlan, request: PoseImageRequest, signal: AbortSignal): Promise<Job>;
  /** Follows the job until it finished well (a failed job throws). */
  protected abstract waitFor(job: Job, signal: AbortSignal): Promise<FinishedJob>;
  protected abstract cancel(job: Job, signal: AbortSignal): Promise<unknown>;

  /** The route's sampling defaults with this adapter's overrides on top. */
  protected samplingFor(routeDefaults: SamplingSettings = DEFAULT_SAMPLING): SamplingSettings {
    return { ...routeDefaults, ...this.samplingOverrides };
  }

  /** A JSON call to the provider's API with its authorization, answered in the shape of `schema`. */
  protected call<Schema extends z.ZodType>(
    url: string,
    request: Omit<JsonRequest, 'headers'> & { headers?: Record<string, string> },
    schema: Schema,
  ): Promise<z.output<Schema>> {
    return requestJson(this.name, url, { ...request, headers: { ...this.headers, ...request.headers } }, schema);
  }

  /** Polls at the configured interval until `check` returns an outcome. */
  protected poll<T>(signal: AbortSignal, check: () => Promise<T | undefined>): Promise<T> {
    return pollJob(this.pollIntervalMs, signal, check);
  }
}
