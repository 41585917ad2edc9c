import type { Logger } from 'pino';
import { ConfigError, type AppConfig } from '../../config/app-config.js';
import type { ProviderName } from '../../config/config.schema.js';
import { FalProvider } from './fal-provider.js';
import { HuggingFaceProvider } from './huggingface-provider.js';
import { LocalPreviewProvider } from './local-preview-provider.js';
import type { PoseImageProvider } from './pose-image-provider.js';
import { ProviderChain, type ProviderChainOptions } from './provider-chain.js';
import { ReplicateProvider } from './replicate-provider.js';

type ProviderConfig = Pick<AppConfig, 'generation' | 'huggingface' | 'fal' | 'replicate'>;

/** Builds one provider, or says which setting it lacks. */
function buildProvider(name: ProviderName, config: ProviderConfig): PoseImageProvider | { missing: string } {
  switch (name) {
    case 'local-preview':
      return new LocalPreviewProvider();
    case 'huggingface':
      // A dedicated endpoint may be open; routed inference always needs a token.
      if (!config.huggingface.token && !config.huggingface.endpointUrl) return { missing: 'HF_TOKEN' };
      return new HuggingFaceProvider(config.huggingface);
    case 'fal':
      if (!config.fal.key) return { missing: 'FAL_KEY' };
      return new FalProvider({ ...config.fal, key: config.fal.key });
    case 'replicate':
      if (!config.replicate.token) return { missing: 'REPLICATE_API_TOKEN' };
      return new ReplicateProvider({ ...config.replicate, token: config.replicate.token });
  }
}

/**
 * The provider chain in GENERATION_PROVIDERS order. A provider without credentials is skipped with a warning,
 * so one missing key does not stop the others; a chain left empty is a configuration error.
 */
export function createProviders(
  config: ProviderConfig,
  logger: Pick<Logger, 'info' | 'warn'>,
  options: ProviderChainOptions = {},
): ProviderChain {
  const providers: PoseImageProvider[] = [];
  const skipped: string[] = [];
  for (const name of new Set(config.generation.providers)) {
    const built = buildProvider(name, config);
    if ('missing' in built) {
      logger.warn({ provider: name }, `Generation provider ${name} skipped: ${built.missing} is not set`);
      skipped.push(`${name} needs ${built.missing}`);
      continue;
    }
    providers.push(built);
  }
  if (providers.length === 0) {
    throw new ConfigError([`GENERATION_PROVIDERS: no provider is usable (${skipped.join('; ')})`]);
  }
  if (
    config.huggingface.endpointUrl &&
    config.huggingface.provider &&
    providers.some((p) => p.name === 'huggingface')
  ) {
    logger.warn('HF_PROVIDER is ignored: HF_ENDPOINT_URL sends every Hugging Face call to the dedicated endpoint');
  }
  if (
    config.huggingface.identity === 'ip-adapter' &&
    !config.huggingface.endpointUrl &&
    providers.some((p) => p.name === 'huggingface')
  ) {
    // Only the handler in deploy/huggingface-endpoint reads ip_adapter_image; a routed model would ignore it.
    logger.warn(
      'HF_IDENTITY=ip-adapter expects HF_ENDPOINT_URL to name an endpoint running deploy/huggingface-endpoint',
    );
  }
  const chain = new ProviderChain(providers, options);
  logger.info({ providers: chain.names }, `Generation providers in failover order: ${chain.names.join(', ')}`);
  return chain;
}
