import { pino } from 'pino';
import { ConfigError, loadConfig } from '../../config/app-config.js';
import { createProviders } from './create-providers.js';

function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, messages: () => lines.map((line) => line.msg) };
}

describe('createProviders', () => {
  it('builds the local preview alone by default', () => {
    const { logger, messages } = capturingLogger();
    const chain = createProviders(loadConfig({}), logger);
    expect(chain.names).toEqual(['local-preview']);
    expect(messages()).toEqual(['Generation providers in failover order: local-preview']);
  });

  it('keeps the configured order and skips a provider without credentials, saying so', () => {
    const { logger, messages } = capturingLogger();
    const config = loadConfig({
      GENERATION_PROVIDERS: 'huggingface,fal,replicate,local-preview',
      HF_TOKEN: 'hf_token',
      REPLICATE_API_TOKEN: 'r8_token',
    });

    const chain = createProviders(config, logger);

    expect(chain.names).toEqual(['huggingface', 'replicate', 'local-preview']);
    expect(messages()).toEqual([
      'Generation provider fal skipped: FAL_KEY is not set',
      'Generation providers in failover order: huggingface, replicate, local-preview',
    ]);
  });

  it('accepts a dedicated Hugging Face endpoint without a token, and says HF_PROVIDER is then ignored', () => {
    const { logger, messages } = capturingLogger();
    const config = loadConfig({
      GENERATION_PROVIDERS: 'huggingface',
      HF_ENDPOINT_URL: 'http://127.0.0.1:9/controlnet',
      HF_PROVIDER: 'hf-inference',
    });

    expect(createProviders(config, logger).names).toEqual(['huggingface']);
    expect(messages()[0]).toMatch(/HF_PROVIDER is ignored/);
  });

  it('warns when HF_IDENTITY=ip-adapter has no dedicated endpoint to read the avatar', () => {
    const { logger, messages } = capturingLogger();
    const config = loadConfig({ GENERATION_PROVIDERS: 'huggingface', HF_TOKEN: 'hf_token', HF_IDENTITY: 'ip-adapter' });

    createProviders(config, logger);

    expect(messages()[0]).toBe(
      'HF_IDENTITY=ip-adapter expects HF_ENDPOINT_URL to name an endpoint running deploy/huggingface-endpoint',
    );
  });

  it('builds the identity routes of fal and Replicate from FAL_MODEL and REPLICATE_MODEL', () => {
    const { logger } = capturingLogger();
    const config = loadConfig({
      GENERATION_PROVIDERS: 'fal,replicate',
      FAL_KEY: 'fal-key',
      FAL_BASE_URL: 'http://127.0.0.1:9',
      FAL_MODEL: 'fal-ai/flux-general',
      REPLICATE_API_TOKEN: 'r8_token',
      REPLICATE_MODEL: 'zsxkib/instant-id',
    });

    const chain = createProviders(config, logger);

    expect(chain.providers.map((provider) => provider.constructor.name)).toEqual(['FalProvider', 'ReplicateProvider']);
    expect(chain.providers[0]).toMatchObject({ model: 'fal-ai/flux-general' });
    expect(chain.providers[1]).toMatchObject({ model: 'zsxkib/instant-id' });
  });

  it('refuses a chain left without any usable provider, naming what is missing', () => {
    const { logger } = capturingLogger();
    const config = loadConfig({ GENERATION_PROVIDERS: 'fal,replicate' });
    expect(() => createProviders(config, logger)).toThrow(ConfigError);
    expect(() => createProviders(config, logger)).toThrow(
      /GENERATION_PROVIDERS: no provider is usable \(fal needs FAL_KEY; replicate needs REPLICATE_API_TOKEN\)/,
    );
  });

  it('refuses an HF_PROVIDER the client does not know', () => {
    const { logger } = capturingLogger();
    const config = loadConfig({ GENERATION_PROVIDERS: 'huggingface', HF_TOKEN: 'hf_token', HF_PROVIDER: 'nowhere' });
    expect(() => createProviders(config, logger)).toThrow(/HF_PROVIDER nowhere is not one of/);
  });
});
