import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { environmentSchema, type FalModel, type ProviderName, type ReplicateModel } from './config.schema.js';

/** The typed configuration every module receives; built once at boot. */
export interface AppConfig {
  env: 'development' | 'test' | 'production';
  logLevel: string;
  port: number;
  /** Address the API binds; unset: 127.0.0.1 while the first-run development key is in use, else 0.0.0.0. */
  host: string | undefined;
  /** A signal's close (drain HTTP, finish jobs, close Redis and the database) exits 0 within this. */
  shutdownTimeoutMs: number;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Namespace of Bull queues and pub/sub channels, so deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  runWorkers: boolean;
  /** Bull job lock: a worker that dies holding a job frees it for others after about this long. */
  queueLockDurationMs: number;
  /** How often each worker re-enqueues unfinished slots that no live job holds. */
  reconcileIntervalMs: number;
  /** How often a worker removes stored files that no row names (a crash between the write and the commit). */
  orphanSweepIntervalMs: number;
  /** An in-progress Idempotency-Key whose request died can be taken over after this long. */
  idempotencyLeaseMs: number;
  generation: {
    /** Provider calls in flight per provider in this process (the provider gate). */
    concurrency: number;
    /** Slot jobs this process holds at once; beyond `concurrency`, they claim and record while others render. */
    jobConcurrency: number;
    /** How often a running generation's finished slots are folded into its counters and progress events. */
    progressIntervalMs: number;
    providers: ProviderName[];
    maxPoses: number;
    /** Credits per succeeded pose, by provider (1 when not listed). */
    creditCosts: Partial<Record<ProviderName, number>>;
    /** Runs of a slot job, the first included, before it is left to the recovery sweep. */
    jobAttempts: number;
    retryBaseMs: number;
    /** Slot starts per minute across this process's workers; undefined means no limit. */
    rateLimitPerMinute: number | undefined;
    providerTimeoutMs: number;
    /** Studio time one generated pose stands in for, for the metrics' totalTimeSaved. */
    timeSavedPerPoseSeconds: number;
    /** A scored render under this qualityScore is rendered again with a new seed. */
    qualityMinScore: number;
    /** Renders per slot at most, the first included. */
    qualityMaxRenders: number;
    /** Generations one user may have pending or processing at once. */
    maxRunning: number;
  };
  huggingface: {
    token: string | undefined;
    model: string;
    provider: string | undefined;
    endpointUrl: string | undefined;
    /** `ip-adapter`: send the avatar as `ip_adapter_image` (for deploy/huggingface-endpoint's handler). */
    identity: 'none' | 'ip-adapter';
    ipAdapterScale: number;
  };
  backgroundRemoval: {
    /** `huggingface` sends product photos to a hosted segmentation model; `local` keeps them on this machine. */
    kind: 'local' | 'huggingface';
    /** Overrides the hosted model's address (a dedicated endpoint, or a test server on 127.0.0.1). */
    endpointUrl: string | undefined;
  };
  caches: {
    /**
     * How long a verified API key is trusted without the database. Revocations reach every process over the
     * event bus at once; this bounds a revocation whose event was lost.
     */
    apiKeyTtlMs: number;
    /** Age at most of a cached pose-template list page: how stale its usage counters may be (0: no cache). */
    poseTemplateListTtlMs: number;
  };
  rateLimit: {
    /** Requests one API key (or, unauthenticated, one address) may send per window. */
    requests: number;
    windowMs: number;
  };
  fal: { key: string | undefined; baseUrl: string | undefined; model: FalModel; ipAdapterScale: number };
  replicate: { token: string | undefined; baseUrl: string | undefined; model: ReplicateModel; ipAdapterScale: number };
  uploads: { maxAvatarBytes: number; maxProductBytes: number };
  poseDatasetPath: string | undefined;
  images: {
    /** Image decodes running at once across uploads, background removal and renders (IMAGE_JOBS). */
    jobs: number;
    /** libvips threads per image job (IMAGE_THREADS). */
    threads: number;
    /** Worker threads drawing control images; 0 draws them on the event loop (RENDER_THREADS). */
    renderThreads: number;
  };
  poseDetector: {
    /** `off` loads nothing and answers 503 `pose_detector_disabled` on the detection route. */
    kind: 'movenet' | 'off';
    /** Detections waiting for the worker thread, beyond the one running, before new ones are refused. */
    queueLimit: number;
  };
  s3:
    | {
        bucket: string;
        endpoint: string | undefined;
        region: string;
        accessKeyId: string | undefined;
        secretAccessKey: string | undefined;
      }
    | undefined;
  publicBaseUrl: string | undefined;
  /** Signs local file URLs; shared by every API process. Unset: a secret kept under DATA_DIR. */
  fileUrlSecret: string | undefined;
  adminToken: string | undefined;
  devApiKey: string | undefined;
  webhooks: {
    /** http and private/loopback destinations (development and tests only). */
    allowPrivate: boolean;
    /** Delay before each attempt, the first included; its length is the number of attempts. */
    retryScheduleMs: number[];
    timeoutMs: number;
    /** An endpoint whose deliveries have all failed for this long is disabled. */
    disableAfterMs: number;
  };
}

export const DEFAULT_HF_MODEL = 'lllyasviel/control_v11p_sd15_openpose';
/** The checkout this file lives in (from server/src/config or server/dist/config). */
const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Unset DATA_DIR: `.lumiku` at the repository root, whichever directory the server was started from. */
export const DEFAULT_DATA_DIR = path.join(REPOSITORY_ROOT, '.lumiku');
const MEGABYTE = 1024 * 1024;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Empty values count as unset, as they do in most .env tooling. */
function withoutEmptyValues(source: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}

function describeIssue(issue: z.core.$ZodIssue, source: Record<string, string>): string {
  const variable = issue.path.join('.');
  const value = source[variable];
  const shown =
    value === undefined
      ? ''
      : ` (got ${JSON.stringify(variable.includes('TOKEN') || variable.includes('KEY') ? '***' : value)})`;
  return `${variable}: ${issue.message}${shown}`;
}

/** Validates the environment once; throws a ConfigError naming each bad variable. */
export function loadConfig(source: Record<string, string | undefined>): AppConfig {
  const cleaned = withoutEmptyValues(source);
  const parsed = environmentSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => describeIssue(issue, cleaned)));
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    port: env.PORT,
    host: env.HOST,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    dataDir: env.DATA_DIR ? path.resolve(env.DATA_DIR) : DEFAULT_DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    runWorkers: env.RUN_WORKERS,
    queueLockDurationMs: env.QUEUE_LOCK_DURATION_MS,
    reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
    orphanSweepIntervalMs: env.ORPHAN_SWEEP_INTERVAL_MS,
    idempotencyLeaseMs: env.IDEMPOTENCY_LEASE_MS,
    generation: {
      concurrency: env.GENERATION_CONCURRENCY,
      jobConcurrency: env.GENERATION_JOB_CONCURRENCY ?? 2 * env.GENERATION_CONCURRENCY,
      progressIntervalMs: env.GENERATION_PROGRESS_INTERVAL_MS,
      providers: env.GENERATION_PROVIDERS,
      maxPoses: env.MAX_POSES_PER_GENERATION,
      creditCosts: env.GENERATION_CREDIT_COSTS,
      jobAttempts: env.GENERATION_ATTEMPTS,
      retryBaseMs: env.GENERATION_RETRY_BASE_MS,
      rateLimitPerMinute: env.GENERATION_RATE_LIMIT_PER_MINUTE,
      providerTimeoutMs: env.PROVIDER_TIMEOUT_MS,
      timeSavedPerPoseSeconds: env.TIME_SAVED_PER_POSE_SECONDS,
      qualityMinScore: env.QUALITY_MIN_SCORE,
      qualityMaxRenders: env.QUALITY_MAX_RENDERS,
      maxRunning: env.MAX_RUNNING_GENERATIONS,
    },
    huggingface: {
      token: env.HF_TOKEN ?? env.HUGGINGFACE_API_KEY,
      model: env.HF_MODEL ?? env.HUGGINGFACE_MODEL_ID ?? DEFAULT_HF_MODEL,
      provider: env.HF_PROVIDER,
      endpointUrl: env.HF_ENDPOINT_URL,
      identity: env.HF_IDENTITY,
      ipAdapterScale: env.IP_ADAPTER_SCALE,
    },
    backgroundRemoval: { kind: env.BACKGROUND_REMOVAL, endpointUrl: env.HF_SEGMENTATION_ENDPOINT_URL },
    caches: { apiKeyTtlMs: env.API_KEY_CACHE_TTL, poseTemplateListTtlMs: env.POSE_TEMPLATE_CACHE_TTL },
    rateLimit: { requests: env.RATE_LIMIT_REQUESTS, windowMs: env.RATE_LIMIT_WINDOW },
    fal: { key: env.FAL_KEY, baseUrl: env.FAL_BASE_URL, model: env.FAL_MODEL, ipAdapterScale: env.IP_ADAPTER_SCALE },
    replicate: {
      token: env.REPLICATE_API_TOKEN,
      baseUrl: env.REPLICATE_BASE_URL,
      model: env.REPLICATE_MODEL,
      ipAdapterScale: env.IP_ADAPTER_SCALE,
    },
    uploads: {
      maxAvatarBytes: env.MAX_AVATAR_SIZE_MB * MEGABYTE,
      maxProductBytes: env.MAX_PRODUCT_SIZE_MB * MEGABYTE,
    },
    poseDatasetPath: env.POSE_DATASET_PATH ? path.resolve(env.POSE_DATASET_PATH) : undefined,
    images: {
      jobs: env.IMAGE_JOBS,
      threads: env.IMAGE_THREADS ?? availableParallelism(),
      renderThreads: env.RENDER_THREADS ?? Math.min(2, availableParallelism()),
    },
    poseDetector: { kind: env.POSE_DETECTOR, queueLimit: env.POSE_DETECTOR_QUEUE_LIMIT },
    s3: env.S3_BUCKET
      ? {
          bucket: env.S3_BUCKET,
          endpoint: env.S3_ENDPOINT,
          region: env.S3_REGION ?? 'us-east-1',
          accessKeyId: env.S3_ACCESS_KEY_ID,
          secretAccessKey: env.S3_SECRET_ACCESS_KEY,
        }
      : undefined,
    publicBaseUrl: env.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    fileUrlSecret: env.FILE_URL_SECRET,
    adminToken: env.ADMIN_TOKEN,
    devApiKey: env.DEV_API_KEY,
    webhooks: {
      allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
      retryScheduleMs: env.WEBHOOK_RETRY_SCHEDULE,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      disableAfterMs: env.WEBHOOK_DISABLE_AFTER,
    },
  };
}

/** The one place that reads process.env: a bad value ends the process with a message naming it. */
export function loadConfigFromProcessOrExit(check: (config: AppConfig) => void = () => undefined): AppConfig {
  try {
    const config = loadConfig(process.env);
    check(config);
    return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
