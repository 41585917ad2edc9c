import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

const providerNames = ['local-preview', 'huggingface', 'fal', 'replicate'] as const;
export type ProviderName = (typeof providerNames)[number];

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

/**
 * The environment as the server reads it. Every variable is optional; the
 * defaults are the embedded mode (PGlite, inline queue, local files).
 */
export const environmentSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATA_DIR: z.string().min(1).default('./.lumiku'),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgresql:// URL' }).optional(),
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// URL' }).optional(),
    RUN_WORKERS: booleanFlag.default(true),
    GENERATION_CONCURRENCY: positiveInt(256).default(8),
    GENERATION_PROVIDERS: providerList.default(['local-preview']),
    GENERATION_CREDIT_COSTS: creditCosts.default({}),
    GENERATION_ATTEMPTS: positiveInt(20).default(3),
    GENERATION_RETRY_BASE_MS: positiveInt(3_600_000).default(1_000),
    GENERATION_RATE_LIMIT_PER_MINUTE: positiveInt(1_000_000).optional(),
    PROVIDER_TIMEOUT_MS: positiveInt(3_600_000).default(120_000),
    HF_TOKEN: z.string().min(1).optional(),
    HUGGINGFACE_API_KEY: z.string().min(1).optional(),
    HF_MODEL: z.string().min(1).optional(),
    HUGGINGFACE_MODEL_ID: z.string().min(1).optional(),
    HF_PROVIDER: z.string().min(1).optional(),
    HF_ENDPOINT_URL: httpUrl.optional(),
    MAX_AVATAR_SIZE_MB: positiveInt(1024).default(10),
    MAX_PRODUCT_SIZE_MB: positiveInt(1024).default(20),
    MAX_POSES_PER_GENERATION: positiveInt(100_000).default(500),
    POSE_DATASET_PATH: z.string().min(1).optional(),
    FAL_KEY: z.string().min(1).optional(),
    FAL_BASE_URL: httpUrl.optional(),
    REPLICATE_API_TOKEN: z.string().min(1).optional(),
    REPLICATE_BASE_URL: httpUrl.optional(),
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
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (env.DEV_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['DEV_API_KEY'], message: 'is refused with NODE_ENV=production' });
    }
    if (env.WEBHOOK_ALLOW_PRIVATE) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_ALLOW_PRIVATE'], message: 'is refused with NODE_ENV=production' });
    }
  });

export type Environment = z.infer<typeof environmentSchema>;
