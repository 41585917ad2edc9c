import {
  InferenceClient,
  InferenceClientError,
  InferenceClientInputError,
  PROVIDERS_OR_POLICIES,
  type InferenceProviderOrPolicy,
} from '@huggingface/inference';
import {
  DEFAULT_SAMPLING,
  type GenerateOptions,
  type PoseImageProvider,
  type PoseImageRequest,
  type ProviderResult,
  type SamplingSettings,
} from './pose-image-provider.js';
import {
  errorName,
  isAbortError,
  PermanentProviderError,
  ProviderError,
  RetryableProviderError,
} from './provider-errors.js';
import { avatarToSend, DEFAULT_IP_ADAPTER_SCALE, identityOf, referenceJpeg } from './identity-reference.js';
import { decodeImage, providerFetch } from './provider-http.js';

export interface HuggingFaceSettings {
  /** Sent as a bearer token; may be absent only for an endpoint that needs none. */
  token: string | undefined;
  model: string;
  /** An Inference Provider (`hf-inference`, `fal-ai`, …); the client's `auto` routing when unset. */
  provider: string | undefined;
  /** A dedicated Inference Endpoint (or a test server); takes precedence over `provider`. */
  endpointUrl: string | undefined;
  /** `ip-adapter`: the endpoint takes the avatar as `ip_adapter_image` (deploy/huggingface-endpoint does). */
  identity?: 'none' | 'ip-adapter';
  ipAdapterScale?: number;
  /** How strongly the skeleton steers the render (diffusers' default 1.0). */
  controlnetConditioningScale?: number;
  sampling?: Partial<SamplingSettings>;
}

/** Where requests go: a dedicated endpoint, a named Inference Provider, or the client's default routing. */
type Routing = { endpointUrl: string } | { provider: InferenceProviderOrPolicy } | Record<string, never>;

/**
 * ControlNet-OpenPose through `@huggingface/inference` `imageToImage`: the skeleton PNG is the input image and
 * the prompt, negative prompt, sampling, seed and size travel as parameters. On hf-inference this is
 * `POST <endpoint>` with JSON `{ inputs: <base64 PNG>, parameters }`, answered with image bytes. With
 * HF_IDENTITY=ip-adapter the avatar rides along as `parameters.ip_adapter_image` (base64 JPEG).
 */
export class HuggingFaceProvider implements PoseImageProvider {
  readonly name = 'huggingface' as const;
  private readonly client: InferenceClient;
  private readonly sampling: SamplingSettings;
  private readonly routing: Routing;

  constructor(private readonly settings: HuggingFaceSettings) {
    this.client = new InferenceClient(settings.token);
    this.sampling = { ...DEFAULT_SAMPLING, ...settings.sampling };
    this.routing = routingFor(settings);
  }

  async generate(request: PoseImageRequest, { signal }: GenerateOptions): Promise<ProviderResult> {
    let requestId: string | undefined;
    // The client hides status codes and Retry-After behind its own errors, so our fetch classifies
    // failures first, and keeps the request id of the last answer (the inference, after any Hub lookup).
    const classifyingFetch: typeof fetch = async (input, init) => {
      const response = await providerFetch(this.name, input, init ?? {});
      requestId = response.headers.get('x-request-id') ?? undefined;
      return response;
    };
    const { model } = this.settings;
    const avatar = avatarToSend(request, this.settings.identity === 'ip-adapter');
    const identityParameters = avatar && {
      ip_adapter_image: (await referenceJpeg(avatar)).toString('base64'),
      ip_adapter_scale: this.settings.ipAdapterScale ?? DEFAULT_IP_ADAPTER_SCALE,
    };
    let output: Blob;
    try {
      output = await this.client.imageToImage(
        {
          model,
          ...this.routing,
          inputs: new Blob([new Uint8Array(request.controlImage)], { type: 'image/png' }),
          parameters: {
            prompt: request.prompt,
            negative_prompt: request.negativePrompt,
            num_inference_steps: this.sampling.numInferenceSteps,
            guidance_scale: this.sampling.guidanceScale,
            seed: request.seed,
            target_size: { width: request.width, height: request.height },
            controlnet_conditioning_scale: this.settings.controlnetConditioningScale ?? 1,
            ...identityParameters,
          },
        },
        // The chain owns retries: the client's own 503 loop would wait for a loading model without a bound.
        { signal, fetch: classifyingFetch, retry_on_error: false },
      );
    } catch (error) {
      throw this.asProviderError(error);
    }
    const bytes = Buffer.from(await output.arrayBuffer());
    return {
      ...(await decodeImage(this.name, bytes)),
      provider: this.name,
      modelId: model,
      ...(requestId ? { providerJobId: requestId } : {}),
      seed: request.seed,
      identity: identityOf(avatar),
    };
  }

  private asProviderError(error: unknown): unknown {
    if (error instanceof ProviderError || isAbortError(error)) return error;
    if (error instanceof InferenceClientInputError) {
      return new PermanentProviderError(this.name, 'rejected-request', error.message, { cause: error });
    }
    // JSON where an image belongs (the client's output error) or a body that is not the JSON it claims.
    if (error instanceof InferenceClientError || errorName(error) === 'SyntaxError') {
      return new PermanentProviderError(
        this.name,
        'invalid-response',
        `huggingface answered garbage: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
    // What remains is the body stream failing while the client read it.
    return new RetryableProviderError(this.name, 'network', `huggingface broke off its answer: ${String(error)}`, {
      cause: error,
    });
  }
}

function isInferenceProvider(name: string): name is InferenceProviderOrPolicy {
  return (PROVIDERS_OR_POLICIES as readonly string[]).includes(name);
}

/** The client refuses endpointUrl together with a provider; a dedicated endpoint needs no routing. */
function routingFor({ endpointUrl, provider }: HuggingFaceSettings): Routing {
  if (endpointUrl) return { endpointUrl };
  if (provider === undefined) return {};
  if (!isInferenceProvider(provider)) {
    throw new Error(`HF_PROVIDER ${provider} is not one of: ${PROVIDERS_OR_POLICIES.join(', ')}.`);
  }
  return { provider };
}
