import type { ClientSettings, Fetch } from './core.js';
import { LumikuError } from './errors.js';
import { ApiKeys } from './resources/api-keys.js';
import { Avatars } from './resources/avatars.js';
import { BrandKits } from './resources/brand-kits.js';
import { ClientTokens } from './resources/client-tokens.js';
import { GeneratedPoses } from './resources/generated-poses.js';
import { Generations } from './resources/generations.js';
import { Metrics } from './resources/metrics.js';
import { PoseDetections } from './resources/pose-detections.js';
import { PoseTemplates } from './resources/pose-templates.js';
import { Products } from './resources/products.js';
import { Projects } from './resources/projects.js';
import { WebhookEndpoints } from './resources/webhook-endpoints.js';
import { unwrapWebhook, verifyWebhook, type VerifyOptions, type WebhookHeaders } from './webhooks.js';

export interface ClientOptions {
  /** The secret key (`lk_test_...`), for servers only. Defaults to `LUMIKU_API_KEY` in Node. */
  apiKey?: string;
  /** A short-lived token minted by your server (`clientTokens.create`), for browsers. */
  clientToken?: string;
  /** Defaults to `LUMIKU_BASE_URL` in Node, else https://api.lumiku.com. */
  baseUrl?: string;
  /** Milliseconds per attempt (default 60 000). */
  timeout?: number;
  /** Retries after the first attempt (default 2). */
  maxRetries?: number;
  /** A fetch implementation; the global one by default. */
  fetch?: Fetch;
  /** The `whsec_` secret `webhooks.verify` uses when none is passed. */
  webhookSecret?: string;
}

const DEFAULT_BASE_URL = 'https://api.lumiku.com';
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RETRIES = 2;

/** Reads an environment variable where there is one (Node, Deno, Bun), without importing anything Node-only. */
function environment(name: string): string | undefined {
  const runtime = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return runtime.process?.env?.[name] || undefined;
}

/** Standard Webhooks helpers bound to the client's default secret. */
export class Webhooks {
  constructor(private readonly defaultSecret: string | undefined) {}

  /** Throws WebhookVerificationError unless the delivery is authentic and recent. */
  verify(rawBody: string | Uint8Array, headers: WebhookHeaders, secret?: string, options?: VerifyOptions) {
    return verifyWebhook(rawBody, headers, this.secret(secret), options);
  }

  /** Verifies, then parses the body. */
  unwrap<T = unknown>(rawBody: string | Uint8Array, headers: WebhookHeaders, secret?: string, options?: VerifyOptions) {
    return unwrapWebhook<T>(rawBody, headers, this.secret(secret), options);
  }

  private secret(given: string | undefined): string {
    const secret = given ?? this.defaultSecret;
    if (!secret) throw new LumikuError('Pass the endpoint secret, or set `webhookSecret` on the client.');
    return secret;
  }
}

/** The Lumiku Pose API client. */
export class Lumiku {
  readonly brandKits: BrandKits;
  readonly avatars: Avatars;
  readonly products: Products;
  readonly poseTemplates: PoseTemplates;
  readonly poseDetections: PoseDetections;
  readonly projects: Projects;
  readonly generations: Generations;
  readonly generatedPoses: GeneratedPoses;
  readonly metrics: Metrics;
  readonly webhookEndpoints: WebhookEndpoints;
  readonly apiKeys: ApiKeys;
  readonly clientTokens: ClientTokens;
  readonly webhooks: Webhooks;

  constructor(options: ClientOptions = {}) {
    const credential = options.clientToken ?? options.apiKey ?? environment('LUMIKU_API_KEY');
    if (!credential) {
      throw new LumikuError('Missing credentials: pass `apiKey` (servers) or `clientToken` (browsers).');
    }
    const fetchImplementation = options.fetch ?? globalThis.fetch?.bind(globalThis);
    if (!fetchImplementation) throw new LumikuError('No fetch available: pass the `fetch` option.');
    const settings: ClientSettings = {
      baseUrl: options.baseUrl ?? environment('LUMIKU_BASE_URL') ?? DEFAULT_BASE_URL,
      credential,
      timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
      maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
      fetch: fetchImplementation,
    };
    this.brandKits = new BrandKits(settings);
    this.avatars = new Avatars(settings);
    this.products = new Products(settings);
    this.poseTemplates = new PoseTemplates(settings);
    this.poseDetections = new PoseDetections(settings);
    this.projects = new Projects(settings);
    this.generations = new Generations(settings);
    this.generatedPoses = new GeneratedPoses(settings);
    this.metrics = new Metrics(settings);
    this.webhookEndpoints = new WebhookEndpoints(settings);
    this.apiKeys = new ApiKeys(settings);
    this.clientTokens = new ClientTokens(settings);
    this.webhooks = new Webhooks(options.webhookSecret);
  }
}
