import {
  jsonBody,
  ProviderTestServer,
  type RecordedRequest,
  type Reply,
} from '../../../test/providers/provider-test-server.js';
import {
  avatarJpeg,
  expectAvatarJpeg,
  poseRequest,
  recordingDelay,
  renderedPng,
  until,
  rejectionOf,
} from '../../../test/providers/provider-fixtures.js';
import { FalProvider } from './fal-provider.js';
import type { PoseImageRequest } from './pose-image-provider.js';
import { ProviderChain, ProviderChainError } from './provider-chain.js';

const MODEL_PATH = '/fal-ai/sdxl-controlnet-union';

interface QueueScript {
  submit?: (request: RecordedRequest) => Reply | undefined;
  /** Status answers in order; the last one repeats. */
  statuses?: Reply[];
  result?: Reply;
  file?: Reply;
}

/**
 * fal's queue API: POST /{model} submits and answers a request id; GET .../requests/{id}/status answers
 * IN_QUEUE, IN_PROGRESS, COMPLETED; GET .../requests/{id} answers { images: [{ url }], seed }; PUT .../cancel.
 */
function falQueue(server: ProviderTestServer, png: Buffer, script: QueueScript = {}, modelPath = MODEL_PATH): void {
  const jobPath = `${modelPath}/requests/req-1`;
  let statusCalls = 0;
  const statuses = script.statuses ?? [
    { status: 200, body: { status: 'IN_QUEUE', queue_position: 0 } },
    { status: 200, body: { status: 'IN_PROGRESS' } },
    { status: 200, body: { status: 'COMPLETED' } },
  ];
  server.handle((request) => {
    if (request.method === 'POST' && request.path === modelPath) {
      return (
        script.submit?.(request) ?? {
          status: 200,
          body: {
            request_id: 'req-1',
            status: 'IN_QUEUE',
            status_url: `${server.url}${jobPath}/status`,
            response_url: `${server.url}${jobPath}`,
            cancel_url: `${server.url}${jobPath}/cancel`,
          },
        }
      );
    }
    if (request.method === 'GET' && request.path === `${jobPath}/status`) {
      return statuses[Math.min(statusCalls++, statuses.length - 1)];
    }
    if (request.method === 'GET' && request.path === jobPath) {
      return (
        script.result ?? {
          status: 200,
          body: { images: [{ url: `${server.url}/files/out.png`, width: 512, height: 768 }], seed: 777 },
        }
      );
    }
    if (request.method === 'GET' && request.path === '/files/out.png') {
      return script.file ?? { status: 200, headers: { 'content-type': 'image/png' }, body: png };
    }
    if (request.method === 'PUT' && request.path === `${jobPath}/cancel`) {
      return { status: 202, body: { status: 'CANCELLATION_REQUESTED' } };
    }
    return { status: 404, body: { detail: 'Not found' } };
  });
}

describe('FalProvider against a local fal queue', () => {
  let server: ProviderTestServer;
  let request: PoseImageRequest;
  let png: Buffer;
  const provider = () => new FalProvider({ key: 'fal-key-id:secret', baseUrl: server.url, pollIntervalMs: 1 });
  const submissions = () => server.requestsTo('POST', new RegExp(`^${MODEL_PATH}$`));

  beforeAll(async () => {
    server = await ProviderTestServer.start();
    request = await poseRequest();
    png = await renderedPng();
  });
  afterAll(() => server.close());

  it('submits the skeleton as openpose_image_url without preprocessing, polls, and downloads the result', async () => {
    falQueue(server, png);

    const result = await provider().generate(request, { signal: new AbortController().signal });

    const [submit] = submissions();
    expect(submit.headers.authorization).toBe('Key fal-key-id:secret');
    const input = jsonBody<Record<string, unknown>>(submit);
    expect(input).toMatchObject({
      prompt: request.prompt,
      negative_prompt: request.negativePrompt,
      openpose_preprocess: false,
      image_size: { width: 512, height: 768 },
      num_images: 1,
      seed: request.seed,
    });
    const dataUri = input.openpose_image_url as string;
    expect(dataUri.startsWith('data:image/png;base64,')).toBe(true);
    expect(Buffer.from(dataUri.slice('data:image/png;base64,'.length), 'base64')).toEqual(request.controlImage);
    expect(server.requestsTo('GET', /\/status$/)).toHaveLength(3);
    expect(server.requestsTo('GET', /\/status$/)[0].headers.authorization).toBe('Key fal-key-id:secret');
    expect(result).toEqual({
      image: png,
      contentType: 'image/png',
      provider: 'fal',
      modelId: 'fal-ai/sdxl-controlnet-union',
      providerJobId: 'req-1',
      seed: 777,
      identity: 'none',
    });
  });

  it('never sends the avatar to the skeleton-only route, even when identity was asked for', async () => {
    falQueue(server, png);

    const result = await provider().generate(
      { ...request, identity: 'avatar', avatarImage: await avatarJpeg() },
      { signal: new AbortController().signal },
    );

    const input = jsonBody<Record<string, unknown>>(submissions()[0]);
    expect(input).not.toHaveProperty('ip_adapters');
    expect(JSON.stringify(input)).not.toContain('image/jpeg');
    expect(result.identity).toBe('none');
  });

  describe('with FAL_MODEL=fal-ai/flux-general', () => {
    const FLUX_PATH = '/fal-ai/flux-general';
    const flux = () =>
      new FalProvider({
        key: 'fal-key-id:secret',
        baseUrl: server.url,
        pollIntervalMs: 1,
        model: 'fal-ai/flux-general',
        ipAdapterScale: 0.7,
      });
    const fluxSubmissions = () => server.requestsTo('POST', new RegExp(`^${FLUX_PATH}$`));

    it('sends the skeleton to a pose ControlNet and the avatar to an IP-Adapter, and reports identity', async () => {
      falQueue(server, png, {}, FLUX_PATH);

      const result = await flux().generate(
        { ...request, identity: 'avatar', avatarImage: await avatarJpeg() },
        { signal: new AbortController().signal },
      );

      const input = jsonBody<{
        controlnet_unions: Array<{ path: string; controls: Array<Record<string, unknown>> }>;
        ip_adapters: Array<Record<string, unknown>>;
      }>(fluxSubmissions()[0]);
      expect(input).toMatchObject({
        prompt: request.prompt,
        image_size: { width: 512, height: 768 },
        num_inference_steps: 28,
        guidance_scale: 3.5,
        num_images: 1,
        seed: request.seed,
      });
      const [union] = input.controlnet_unions;
      expect(union.path).toBe('InstantX/FLUX.1-dev-Controlnet-Union');
      expect(union.controls).toEqual([
        { control_image_url: expect.any(String), control_mode: 'pose', conditioning_scale: 0.8 },
      ]);
      const controlImage = union.controls[0].control_image_url as string;
      expect(Buffer.from(controlImage.replace(/^data:image\/png;base64,/, ''), 'base64')).toEqual(request.controlImage);
      const [adapter] = input.ip_adapters;
      expect(adapter).toMatchObject({
        path: 'XLabs-AI/flux-ip-adapter',
        image_encoder_path: 'openai/clip-vit-large-patch14',
        scale: 0.7,
      });
      await expectAvatarJpeg(adapter.image_url as string);
      expect(result).toMatchObject({ provider: 'fal', modelId: 'fal-ai/flux-general', identity: 'avatar' });
    });

    it('leaves the IP-Adapter out when the generation asked for no identity', async () => {
      falQueue(server, png, {}, FLUX_PATH);

      const result = await flux().generate(
        { ...request, identity: 'none', avatarImage: await avatarJpeg() },
        { signal: new AbortController().signal },
      );

      const input = jsonBody<Record<string, unknown>>(fluxSubmissions()[0]);
      expect(input).toHaveProperty('controlnet_unions');
      expect(input).not.toHaveProperty('ip_adapters');
      expect(result).toMatchObject({ modelId: 'fal-ai/flux-general', identity: 'none' });
    });
  });

  it('decodes an inline data URI output without a download', async () => {
    falQueue(server, png, {
      result: { status: 200, body: { images: [{ url: `data:image/png;base64,${png.toString('base64')}` }] } },
    });
    const result = await provider().generate(request, { signal: new AbortController().signal });
    expect(result).toMatchObject({ image: png, seed: request.seed });
    expect(server.requestsTo('GET', /^\/files\//)).toHaveLength(0);
  });

  it('retries a 429 submit after its Retry-After, then succeeds', async () => {
    let submits = 0;
    falQueue(server, png, {
      submit: () =>
        ++submits === 1
          ? { status: 429, headers: { 'retry-after': '3' }, body: { detail: 'Too many requests' } }
          : undefined,
    });
    const { delay, waits } = recordingDelay();

    const { result } = await new ProviderChain([provider()], { delay }).generate(request);

    expect(submissions()).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(3_000);
    expect(result.provider).toBe('fal');
  });

  it('waits out a transient status failure without submitting again', async () => {
    falQueue(server, png, {
      statuses: [
        { status: 503, headers: { 'retry-after': '0' }, body: 'upstream unavailable' },
        { status: 200, body: { status: 'COMPLETED' } },
      ],
    });
    const result = await provider().generate(request, { signal: new AbortController().signal });
    expect(result.image).toEqual(png);
    expect(submissions()).toHaveLength(1);
  });

  it('does not retry a 422 validation error', async () => {
    falQueue(server, png, {
      submit: () => ({ status: 422, body: { detail: [{ loc: ['body', 'image_size'], msg: 'invalid size' }] } }),
    });
    const { delay } = recordingDelay();

    const error = await rejectionOf<ProviderChainError>(new ProviderChain([provider()], { delay }).generate(request));

    expect(submissions()).toHaveLength(1);
    expect(error.errors[0]).toMatchObject({ code: 'rejected-request', status: 422, retryable: false });
    expect(error.message).toContain('invalid size');
  });

  it.each([
    [
      'truncated JSON from the result',
      { result: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"images":[{"url":"' } },
    ],
    [
      'an HTML page instead of the submit answer',
      { submit: () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>hi</html>' }) },
    ],
    ['a result without images', { result: { status: 200, body: { images: [] } } }],
    [
      'a file that is not an image',
      { file: { status: 200, headers: { 'content-type': 'image/png' }, body: '<html>404</html>' } },
    ],
  ] as [string, QueueScript][])('treats %s as permanent', async (_case, script) => {
    falQueue(server, png, script);
    const { delay } = recordingDelay();

    const error = await rejectionOf<ProviderChainError>(new ProviderChain([provider()], { delay }).generate(request));

    expect(error).toBeInstanceOf(ProviderChainError);
    expect(error.errors[0]).toMatchObject({ code: 'invalid-response', retryable: false });
    expect(submissions()).toHaveLength(1);
  });

  it('refuses to download an output from a host other than its API or CDN', async () => {
    falQueue(server, png, {
      result: { status: 200, body: { images: [{ url: 'http://169.254.169.254/latest/meta-data' }] } },
    });
    await expect(provider().generate(request, { signal: new AbortController().signal })).rejects.toMatchObject({
      code: 'invalid-response',
      message: 'fal output is on an untrusted host: 169.254.169.254',
    });
  });

  it('follows a redirect only within trusted hosts', async () => {
    falQueue(server, png, {
      file: { status: 302, headers: { location: 'http://10.0.0.1/internal.png' } },
    });
    await expect(provider().generate(request, { signal: new AbortController().signal })).rejects.toMatchObject({
      code: 'invalid-response',
      message: 'fal output is on an untrusted host: 10.0.0.1',
    });
  });

  it('on abort while queued, stops polling and asks fal to cancel the job', async () => {
    falQueue(server, png, { statuses: [{ status: 200, body: { status: 'IN_QUEUE', queue_position: 3 } }] });
    const controller = new AbortController();

    const outcome = new ProviderChain([provider()]).generate(request, { signal: controller.signal });
    await until(() => server.requestsTo('GET', /\/status$/).length >= 2);
    controller.abort();

    await expect(outcome).rejects.toMatchObject({ name: 'AbortError' });
    await until(() => server.requestsTo('PUT', /\/cancel$/).length === 1);
    expect(submissions()).toHaveLength(1);
  });

  it('gives up a job that outlasts the per-call timeout, cancels it, and submits again', async () => {
    falQueue(server, png, { statuses: [{ status: 200, body: { status: 'IN_PROGRESS' } }] });
    const { delay } = recordingDelay();

    // The budget only has to outlast the submit on a loaded machine: the job never completes, so it always runs out.
    const error = await rejectionOf<ProviderChainError>(
      new ProviderChain([provider()], {
        delay,
        policy: { attemptTimeoutMs: 1_000, maxAttemptsPerProvider: 2 },
      }).generate(request),
    );

    expect(error.attempts.map((attempt) => attempt.error?.code)).toEqual(['timeout', 'timeout']);
    expect(submissions()).toHaveLength(2);
    await until(() => server.requestsTo('PUT', /\/cancel$/).length === 2);
  });
});
