import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

const providerNames = ['local-preview', 'huggingface', 'fal', 'replicate'] as const;
export type ProviderName = (typeof providerNames)[number];

/** The fal routes an adapter can call: ControlNet only, or FLUX with a pose ControlNet plus an IP-Adapter for the avatar. */
export const FAL_MODELS = ['fal-ai/sdxl-controlnet-union', 'fal-ai/flux-general'] as const;
export type FalModel = (typeof FAL_MODELS)[number];

/** The Replicate routes: ControlNet-OpenPose only, or InstantID (the avatar's face plus a pose image). */
export const REPLICATE_MODELS = ['lucataco/sdxl-controlnet-openpose', 'zsxkib/instant-id'] as const;
export type ReplicateModel = (typeof REPLICATE_MODELS)[number];

const providerList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(providerNames)).min(1, 'name at least one provider'));

/** `huggingface=2,fal=3`: credits a succeeded pose costs per provider (others cost 1). */
const creditCosts = z.string().transform((value, ctx) => {
  const costs: Partial<Record<ProviderName, number>> = {};
  for (const pair of value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [name, cost] = pair.split('=');
    if (!providerNames.includes(name as ProviderName) || !/^\d+$/.test(cost ?? '')) {
      ctx.addIssue({ code: 'custom', message: `expected provider=credits pairs, got "${pair}"` });
      return z.NEVER;
    }
    costs[name as ProviderName] = Number(cost);
  }
  return costs;
});

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `250ms`, `5s`, `30m`, `2h`, `5d`, or a bare number of milliseconds. */
function parseDuration(value: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  return match ? Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 'ms'] : undefined;
}

const duration = z.string().transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 500ms, 5s, 30m, 2h or 5d, got "${value}"` });
    return z.NEVER;
  }
  return ms;
});

/** `0,5s,5m,...`: the delay before each delivery attempt, the first included. */
const durationList = z.string().transform((value, ctx) => {
  const delays = value.split(',').map(parseDuration);
  if (delays.length === 0 || delays.some((delay) => delay === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'expected comma-separated durations such as 0,5s,5m,30m,2h' });
    return z.NEVER;
  }
  return delays as number[];
});

/**
 * The environment as the server reads it. Every variable is optional; the
 * defaults are the embedded mode (PGlite, inline queue, local files).
 */
export const environmentSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).optional(),
    SHUTDOWN_TIMEOUT_MS: positiveInt(600_000).default(25_000),
    DATA_DIR: z.string().min(1).optional(),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgresql:// URL' }).optional(),
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// URL' }).optional(),
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only')
      .default('lumiku'),
    RUN_WORKERS: booleanFlag.default(true),
    QUEUE_LOCK_DURATION_MS: positiveInt(600_000).default(30_000),
    RECONCILE_INTERVAL_MS: positiveInt(3_600_000).default(15_000),
    ORPHAN_SWEEP_INTERVAL_MS: positiveInt(86_400_000).default(3_600_000),
    IDEMPOTENCY_LEASE_MS: positiveInt(3_600_000).default(60_000),
    GENERATION_CONCURRENCY: positiveInt(256).default(8),
    GENERATION_JOB_CONCURRENCY: positiveInt(1024).optional(),
    GENERATION_PROGRESS_INTERVAL_MS: positiveInt(60_000).default(200),
    GENERATION_PROVIDERS: providerList.default(['local-preview']),
    GENERATION_CREDIT_COSTS: creditCosts.default({}),
    GENERATION_ATTEMPTS: positiveInt(20).default(3),
    GENERATION_RETRY_BASE_MS: positiveInt(3_600_000).default(1_000),
    GENERATION_RATE_LIMIT_PER_MINUTE: positiveInt(1_000_000).optional(),
    PROVIDER_TIMEOUT_MS: positiveInt(3_600_000).default(120_000),
    QUALITY_MIN_SCORE: z.coerce.number().min(0).max(1).default(0.5),
    QUALITY_MAX_RENDERS: positiveInt(10).default(3),
    TIME_SAVED_PER_POSE_SECONDS: z.coerce.number().min(0).max(86_400).default(1_200),
    HF_TOKEN: z.string().min(1).optional(),
    HUGGINGFACE_API_KEY: z.string().min(1).optional(),
    HF_MODEL: z.string().min(1).optional(),
    HUGGINGFACE_MODEL_ID: z.string().min(1).optional(),
    HF_PROVIDER: z.string().min(1).optional(),
    HF_ENDPOINT_URL: httpUrl.optional(),
    HF_IDENTITY: z.enum(['none', 'ip-adapter']).default('none'),
    BACKGROUND_REMOVAL: z.enum(['local', 'huggingface']).default('local'),
    HF_SEGMENTATION_ENDPOINT_URL: httpUrl.optional(),
    API_KEY_CACHE_TTL: duration.default(10_000),
    POSE_TEMPLATE_CACHE_TTL: duration.default(5_000),
    RATE_LIMIT_REQUESTS: positiveInt(1_000_000).default(6_000),
    RATE_LIMIT_WINDOW: duration.default(60_000),
    MAX_RUNNING_GENERATIONS: positiveInt(100_000).default(100),
    IP_ADAPTER_SCALE: z.coerce.number().min(0).max(1).default(0.6),
    MAX_AVATAR_SIZE_MB: positiveInt(1024).default(10),
    MAX_PRODUCT_SIZE_MB: positiveInt(1024).default(20),
    MAX_POSES_PER_GENERATION: positiveInt(100_000).default(500),
    POSE_DATASET_PATH: z.string().min(1).optional(),
    POSE_DETECTOR: z.enum(['movenet', 'off']).default('movenet'),
    POSE_DETECTOR_QUEUE_LIMIT: positiveInt(10_000).default(64),
    /** Image decodes (uploads, background removal, renders) running at once; the others queue. */
    IMAGE_JOBS: positiveInt(64).default(1),
    /** libvips threads per image job; the number of cores when unset. */
    IMAGE_THREADS: positiveInt(256).optional(),
    /** Worker threads drawing control images; 0 draws on the event loop; min(2, cores) when unset. */
    RENDER_THREADS: z.coerce.number().int().min(0).max(64).optional(),
    FAL_KEY: z.string().min(1).optional(),
    FAL_BASE_URL: httpUrl.optional(),
    FAL_MODEL: z.enum(FAL_MODELS).default('fal-ai/sdxl-controlnet-union'),
    REPLICATE_API_TOKEN: z.string().min(1).optional(),
    REPLICATE_BASE_URL: httpUrl.optional(),
    REPLICATE_MODEL: z.enum(REPLICATE_MODELS).default('lucataco/sdxl-controlnet-openpose'),
    S3_BUCKET: z.string().min(3).optional(),
    S3_ENDPOINT: httpUrl.optional(),
    S3_REGION: z.string().min(1).optional(),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    PUBLIC_BASE_URL: httpUrl.optional(),
    FILE_URL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    DEV_API_KEY: z
      .string()
      .regex(/^lk_test_[A-Za-z0-9_]+$/, 'must start with lk_test_ followed by letters, digits or _')
      .min(24, 'must be at least 24 characters')
      .optional(),
    WEBHOOK_ALLOW_PRIVATE: booleanFlag.default(false),
    WEBHOOK_RETRY_SCHEDULE: durationList.default([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]),
    WEBHOOK_TIMEOUT_MS: positiveInt(120_000).default(15_000),
    WEBHOOK_DISABLE_AFTER: duration.default(5 * 86_400_000),
  })
  .superRefine((env, ctx) => {
    if (env.BACKGROUND_REMOVAL === 'huggingface' && !env.HF_TOKEN && !env.HUGGINGFACE_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['BACKGROUND_REMOVAL'], message: 'huggingface needs HF_TOKEN' });
    }
    if (env.NODE_ENV !== 'production') return;
    if (env.DEV_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['DEV_API_KEY'], message: 'is refused with NODE_ENV=production' });
    }
    if (env.WEBHOOK_ALLOW_PRIVATE) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_ALLOW_PRIVATE'], message: 'is refused with NODE_ENV=production' });
    }
  });

export type Environment = z.infer<typeof environmentSchema>;
