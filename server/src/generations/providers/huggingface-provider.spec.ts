import { runWithEndpointParser } from '../../../test/providers/endpoint-parser.js';
import { jsonBody, ProviderTestServer, type Reply } from '../../../test/providers/provider-test-server.js';
import {
  avatarJpeg,
  expectAvatarJpeg,
  poseRequest,
  recordingDelay,
  renderedJpeg,
  renderedPng,
  until,
  rejectionOf,
} from '../../../test/providers/provider-fixtures.js';
import { HuggingFaceProvider } from './huggingface-provider.js';
import type { PoseImageRequest } from './pose-image-provider.js';
import { ProviderChain, ProviderChainError } from './provider-chain.js';
import { PermanentProviderError, RetryableProviderError } from './provider-errors.js';

/** What the endpoint handler's own parser reads from a body the adapter sent. */
function parseWithEndpointParser(body: Buffer): unknown {
  return runWithEndpointParser(
    [
      'import json, sys',
      'from request_parsing import image_format, parse_request',
      'r = parse_request(json.load(sys.stdin))',
      'print(json.dumps({"prompt": r.prompt, "negative_prompt": r.negative_prompt, "seed": r.seed,',
      '  "size": [r.width, r.height], "control_image_bytes": len(r.control_image),',
      '  "ip_adapter_image": image_format(r.ip_adapter_image), "ip_adapter_scale": r.ip_adapter_scale}))',
    ],
    body,
  );
}

interface HfImageToImageBody {
  inputs: string;
  parameters: Record<string, unknown>;
}

/** The hf-inference wire format of a dedicated endpoint: POST JSON { inputs, parameters } in, image bytes out. */
describe('HuggingFaceProvider against a local Inference Endpoint', () => {
  let server: ProviderTestServer;
  let request: PoseImageRequest;
  let png: Buffer;
  const provider = () =>
    new HuggingFaceProvider({
      token: 'hf_test_token',
      model: 'lllyasviel/control_v11p_sd15_openpose',
      provider: undefined,
      endpointUrl: `${server.url}/controlnet`,
    });
  const chainOf = (options: ConstructorParameters<typeof ProviderChain>[1] = {}) =>
    new ProviderChain([provider()], options);
  const loading = {
    status: 503,
    body: { error: 'Model lllyasviel/control_v11p_sd15_openpose is currently loading', estimated_time: 0.05 },
  };

  beforeAll(async () => {
    server = await ProviderTestServer.start();
    request = await poseRequest();
    png = await renderedPng();
  });
  afterAll(() => server.close());

  it('posts the control image and parameters with the bearer token and returns the image', async () => {
    server.handle(() => ({
      status: 200,
      headers: { 'content-type': 'image/png', 'x-request-id': 'hf-req-1' },
      body: png,
    }));

    const result = await provider().generate(request, { signal: new AbortController().signal });

    expect(server.requests).toHaveLength(1);
    const [sent] = server.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/controlnet' });
    expect(sent.headers.authorization).toBe('Bearer hf_test_token');
    expect(sent.headers['content-type']).toBe('application/json');
    const body = jsonBody<HfImageToImageBody>(sent);
    const controlImage = Buffer.from(body.inputs, 'base64');
    expect(controlImage.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(controlImage).toEqual(request.controlImage);
    expect(body.parameters).toEqual({
      prompt: request.prompt,
      negative_prompt: request.negativePrompt,
      num_inference_steps: 30,
      guidance_scale: 7.5,
      seed: request.seed,
      target_size: { width: 512, height: 768 },
      controlnet_conditioning_scale: 1,
    });
    expect(result).toEqual({
      image: png,
      contentType: 'image/png',
      provider: 'huggingface',
      modelId: 'lllyasviel/control_v11p_sd15_openpose',
      providerJobId: 'hf-req-1',
      seed: request.seed,
      identity: 'none',
    });
  });

  it('keeps the avatar out of the request unless HF_IDENTITY=ip-adapter, even when identity was asked for', async () => {
    server.handle(() => ({ status: 200, headers: { 'content-type': 'image/png' }, body: png }));

    const result = await provider().generate(
      { ...request, identity: 'avatar', avatarImage: await avatarJpeg() },
      { signal: new AbortController().signal },
    );

    expect(jsonBody<HfImageToImageBody>(server.requests[0]).parameters).not.toHaveProperty('ip_adapter_image');
    expect(result.identity).toBe('none');
  });

  describe('with HF_IDENTITY=ip-adapter (deploy/huggingface-endpoint)', () => {
    const identityProvider = () =>
      new HuggingFaceProvider({
        token: 'hf_test_token',
        model: 'lllyasviel/control_v11p_sd15_openpose',
        provider: undefined,
        endpointUrl: `${server.url}/controlnet`,
        identity: 'ip-adapter',
        ipAdapterScale: 0.55,
      });

    it('sends the control image as inputs and the avatar as ip_adapter_image, and reports identity', async () => {
      server.handle(() => ({ status: 200, headers: { 'content-type': 'image/png' }, body: png }));

      const result = await identityProvider().generate(
        { ...request, identity: 'avatar', avatarImage: await avatarJpeg() },
        { signal: new AbortController().signal },
      );

      const body = jsonBody<HfImageToImageBody>(server.requests[0]);
      expect(Buffer.from(body.inputs, 'base64')).toEqual(request.controlImage);
      expect(body.parameters).toMatchObject({
        prompt: request.prompt,
        negative_prompt: request.negativePrompt,
        seed: request.seed,
        target_size: { width: 512, height: 768 },
        controlnet_conditioning_scale: 1,
        ip_adapter_scale: 0.55,
      });
      await expectAvatarJpeg(body.parameters.ip_adapter_image as string);
      expect(result.identity).toBe('avatar');
    });

    it("is what deploy/huggingface-endpoint's request parser reads, avatar included", async () => {
      server.handle(() => ({ status: 200, headers: { 'content-type': 'image/png' }, body: png }));
      await identityProvider().generate(
        { ...request, identity: 'avatar', avatarImage: await avatarJpeg() },
        { signal: new AbortController().signal },
      );

      const parsed = parseWithEndpointParser(server.requests[0].body);

      expect(parsed).toEqual({
        prompt: request.prompt,
        negative_prompt: request.negativePrompt,
        seed: request.seed,
        size: [512, 768],
        control_image_bytes: request.controlImage.length,
        ip_adapter_image: 'jpeg',
        ip_adapter_scale: 0.55,
      });
    });

    it('sends no ip_adapter_image for a generation that asked for no identity', async () => {
      server.handle(() => ({ status: 200, headers: { 'content-type': 'image/png' }, body: png }));

      const result = await identityProvider().generate(
        { ...request, identity: 'none', avatarImage: await avatarJpeg() },
        { signal: new AbortController().signal },
      );

      const { parameters } = jsonBody<HfImageToImageBody>(server.requests[0]);
      expect(parameters).not.toHaveProperty('ip_adapter_image');
      expect(parameters).not.toHaveProperty('ip_adapter_scale');
      expect(result.identity).toBe('none');
    });
  });

  it('names the content type from the bytes, not from the header', async () => {
    const jpeg = await renderedJpeg();
    server.handle(() => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: jpeg }));
    const result = await provider().generate(request, { signal: new AbortController().signal });
    expect(result.contentType).toBe('image/jpeg');
  });

  it('waits out a loading model: 503 twice, then 200, ends in success after 3 calls', async () => {
    let calls = 0;
    server.handle(() =>
      ++calls <= 2 ? loading : { status: 200, headers: { 'content-type': 'image/png' }, body: png },
    );
    const { delay, waits } = recordingDelay();

    const { result, attempts } = await chainOf({ delay }).generate(request);

    expect(server.requests).toHaveLength(3);
    expect(result.image).toEqual(png);
    expect(attempts.map((attempt) => attempt.error?.code)).toEqual(['model-loading', 'model-loading', undefined]);
    expect(waits).toHaveLength(2);
    waits.forEach((wait) => expect(wait).toBeGreaterThanOrEqual(50));
  });

  it('classifies a loading model with its estimated time as the retry hint', async () => {
    server.handle(() => ({ ...loading, body: { ...loading.body, estimated_time: 12.5 } }));
    const error = await rejectionOf(provider().generate(request, { signal: new AbortController().signal }));
    expect(error).toBeInstanceOf(RetryableProviderError);
    expect(error).toMatchObject({ code: 'model-loading', status: 503, retryAfterMs: 12_500 });
  });

  it('honours Retry-After on 429 before calling again', async () => {
    let calls = 0;
    server.handle((): Reply =>
      ++calls === 1
        ? { status: 429, headers: { 'retry-after': '7' }, body: { error: 'Rate limit reached' } }
        : { status: 200, headers: { 'content-type': 'image/png' }, body: png },
    );
    const { delay, waits } = recordingDelay();

    const { attempts } = await chainOf({ delay }).generate(request);

    expect(server.requests).toHaveLength(2);
    expect(attempts[0].error).toMatchObject({ code: 'rate-limited', status: 429, retryable: true });
    expect(waits[0]).toBeGreaterThanOrEqual(7_000);
  });

  it('does not retry a 400 input error', async () => {
    server.handle(() => ({ status: 400, body: { error: 'Input image is not valid' } }));
    const { delay, waits } = recordingDelay();

    const error = await rejectionOf<ProviderChainError>(chainOf({ delay }).generate(request));

    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(error).toBeInstanceOf(ProviderChainError);
    expect(error.retryable).toBe(false);
    expect(error.errors[0]).toMatchObject({ code: 'rejected-request', status: 400 });
    expect(error.message).toContain('Input image is not valid');
  });

  it('retries a 500 with an HTML page, and reports it without the page', async () => {
    server.handle(() => ({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html><body>Bad gateway</body></html>',
    }));
    const { delay } = recordingDelay();

    const error = await rejectionOf<ProviderChainError>(chainOf({ delay }).generate(request));

    expect(server.requests).toHaveLength(3);
    expect(error.retryable).toBe(true);
    expect(error.errors[0]).toMatchObject({ code: 'unavailable', message: 'huggingface answered 502: an HTML page' });
  });

  it('gives up a slow answer at the per-call timeout and retries it', async () => {
    server.handle(() => ({ status: 200, headers: { 'content-type': 'image/png' }, body: png, delayMs: 10_000 }));
    const { delay } = recordingDelay();

    const error = await rejectionOf<ProviderChainError>(
      chainOf({ delay, policy: { attemptTimeoutMs: 1_000 } }).generate(request),
    );

    expect(error).toBeInstanceOf(ProviderChainError);
    expect(server.requests).toHaveLength(3);
    expect(error.attempts.map((attempt) => attempt.error?.code)).toEqual(['timeout', 'timeout', 'timeout']);
    expect(error.retryable).toBe(true);
  });

  it('retries a dropped connection', async () => {
    let calls = 0;
    server.handle(() =>
      ++calls === 1 ? { reset: true } : { status: 200, headers: { 'content-type': 'image/png' }, body: png },
    );
    const { delay } = recordingDelay();

    const { attempts } = await chainOf({ delay }).generate(request);

    expect(attempts.map((attempt) => attempt.error?.code)).toEqual(['network', undefined]);
  });

  it.each([
    ['an HTML page with status 200', { 'content-type': 'text/html' }, '<!doctype html><title>Welcome</title>'],
    ['truncated JSON', { 'content-type': 'application/json' }, '{"generated_image": "iVBORw0'],
    ['JSON where an image belongs', { 'content-type': 'application/json' }, '{"images": []}'],
    ['bytes that are not an image', { 'content-type': 'image/png' }, Buffer.from('definitely not a png')],
  ])('treats %s as permanent garbage, without retrying', async (_case, headers, body) => {
    server.handle(() => ({ status: 200, headers, body }));
    const { delay } = recordingDelay();

    const error = await rejectionOf<ProviderChainError>(chainOf({ delay }).generate(request));

    expect(server.requests).toHaveLength(1);
    expect(error.errors[0]).toBeInstanceOf(PermanentProviderError);
    expect(error.errors[0].code).toBe('invalid-response');
  });

  it('stops promptly when the caller aborts, without another call', async () => {
    server.handle(() => ({ hang: true }));
    const controller = new AbortController();

    const outcome = chainOf().generate(request, { signal: controller.signal });
    await until(() => server.requests.length === 1);
    controller.abort();

    await expect(outcome).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(1);
  });
});
