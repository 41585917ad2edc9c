import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, DEFAULT_HF_MODEL, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('gives the embedded defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.generation).toMatchObject({ concurrency: 8, providers: ['local-preview'], maxPoses: 500 });
    expect(config.uploads).toEqual({ maxAvatarBytes: 10 * 1024 * 1024, maxProductBytes: 20 * 1024 * 1024 });
    expect(config.huggingface.model).toBe(DEFAULT_HF_MODEL);
    expect(config.dataDir).toMatch(/\.lumiku$/);
  });

  it('keeps the default DATA_DIR at the repository root whatever the working directory', () => {
    const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
    const started = process.cwd();
    try {
      process.chdir(path.join(repositoryRoot, 'server'));
      expect(loadConfig({}).dataDir).toBe(path.join(repositoryRoot, '.lumiku'));
      expect(loadConfig({ DATA_DIR: 'elsewhere' }).dataDir).toBe(path.join(repositoryRoot, 'server', 'elsewhere'));
    } finally {
      process.chdir(started);
    }
  });

  it("accepts the seed's Hugging Face names as aliases", () => {
    const config = loadConfig({ HUGGINGFACE_API_KEY: 'hf_x', HUGGINGFACE_MODEL_ID: 'org/model' });
    expect(config.huggingface).toMatchObject({ token: 'hf_x', model: 'org/model' });
  });

  it('reads the identity routes: HF_IDENTITY, FAL_MODEL, REPLICATE_MODEL and IP_ADAPTER_SCALE', () => {
    expect(loadConfig({}).huggingface).toMatchObject({ identity: 'none', ipAdapterScale: 0.6 });
    const config = loadConfig({
      HF_IDENTITY: 'ip-adapter',
      IP_ADAPTER_SCALE: '0.75',
      FAL_MODEL: 'fal-ai/flux-general',
      REPLICATE_MODEL: 'zsxkib/instant-id',
    });
    expect(config.huggingface).toMatchObject({ identity: 'ip-adapter', ipAdapterScale: 0.75 });
    expect(config.fal).toMatchObject({ model: 'fal-ai/flux-general', ipAdapterScale: 0.75 });
    expect(config.replicate).toMatchObject({ model: 'zsxkib/instant-id', ipAdapterScale: 0.75 });
    expect(() => loadConfig({ FAL_MODEL: 'fal-ai/unknown', IP_ADAPTER_SCALE: '2' })).toThrow(
      /FAL_MODEL[\s\S]*IP_ADAPTER_SCALE|IP_ADAPTER_SCALE[\s\S]*FAL_MODEL/,
    );
  });

  it('names every invalid variable', () => {
    let thrown: unknown;
    try {
      loadConfig({ PORT: 'abc', GENERATION_PROVIDERS: 'huggingface,nope', DEV_API_KEY: 'short' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const message = (thrown as ConfigError).message;
    expect(message).toContain('PORT');
    expect(message).toContain('GENERATION_PROVIDERS');
    expect(message).toContain('DEV_API_KEY');
  });

  it('refuses development-only settings in production', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DEV_API_KEY: 'lk_test_0123456789abcdefghij',
        WEBHOOK_ALLOW_PRIVATE: 'true',
      }),
    ).toThrow(/DEV_API_KEY: is refused with NODE_ENV=production[\s\S]*WEBHOOK_ALLOW_PRIVATE/);
  });

  it('reads per-provider credit costs', () => {
    expect(loadConfig({ GENERATION_CREDIT_COSTS: 'huggingface=2, fal=3' }).generation.creditCosts).toEqual({
      huggingface: 2,
      fal: 3,
    });
    expect(() => loadConfig({ GENERATION_CREDIT_COSTS: 'midjourney=2' })).toThrow(/GENERATION_CREDIT_COSTS/);
  });

  it('reads the webhook retry schedule, timeout and disable delay as durations', () => {
    expect(loadConfig({}).webhooks).toEqual({
      allowPrivate: false,
      retryScheduleMs: [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
      timeoutMs: 15_000,
      disableAfterMs: 5 * 86_400_000,
    });
    const compressed = loadConfig({ WEBHOOK_RETRY_SCHEDULE: '0, 250ms,1s,2m,1h', WEBHOOK_DISABLE_AFTER: '90s' });
    expect(compressed.webhooks).toMatchObject({
      retryScheduleMs: [0, 250, 1_000, 120_000, 3_600_000],
      disableAfterMs: 90_000,
    });
    expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: '0,soon' })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
    expect(() => loadConfig({ WEBHOOK_DISABLE_AFTER: '5 days' })).toThrow(/WEBHOOK_DISABLE_AFTER/);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });
});
