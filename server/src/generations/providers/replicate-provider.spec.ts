import { jsonBody, ProviderTestServer, type Reply } from '../../../test/providers/provider-test-server.js';
import {
  avatarJpeg,
  expectAvatarJpeg,
  poseRequest,
  recordingDelay,
  renderedPng,
  until,
  rejectionOf,
} from '../../../test/providers/provider-fixtures.js';
import type { PoseImageRequest } from './pose-image-provider.js';
import { ProviderChain, ProviderChainError } from './provider-chain.js';
import { REPLICATE_MODEL_VERSIONS, ReplicateProvider } from './replicate-provider.js';

const OPENPOSE_VERSION = REPLICATE_MODEL_VERSIONS['lucataco/sdxl-controlnet-openpose'];
const INSTANT_ID_VERSION = REPLICATE_MODEL_VERSIONS['zsxkib/instant-id'];

interface PredictionScript {
  /** The answer to the n-th create (0-based); undefined gives the default, a prediction still `starting`. */
  create?: (index: number) => Reply | undefined;
  /** Statuses answered to GET /v1/predictions/p-1 in order; the last one repeats. */
  statuses?: string[];
  failure?: string;
  file?: Reply;
}

/**
 * Replicate's predictions API: POST /v1/predictions { version, input } (held up to 60 s by `Prefer: wait`),
 * GET /v1/predictions/{id} until succeeded/failed/canceled, POST /v1/predictions/{id}/cancel; the output is a
 * file URL.
 */
function replicateApi(server: ProviderTestServer, png: Buffer, script: PredictionScript = {}): void {
  let polls = 0;
  let createCalls = 0;
  const statuses = script.statuses ?? ['processing', 'succeeded'];
  const prediction = (status: string) => ({
    id: 'p-1',
    version: OPENPOSE_VERSION,
    status,
    output: status === 'succeeded' ? `${server.url}/files/p-1/out.png` : null,
    error: status === 'failed' ? (script.failure ?? 'CUDA out of memory') : null,
    urls: { get: `${server.url}/v1/predictions/p-1`, cancel: `${server.url}/v1/predictions/p-1/cancel` },
  });
  server.handle((request) => {
    if (request.method === 'POST' && request.path === '/v1/predictions') {
      return script.create?.(createCalls++) ?? { status: 201, body: prediction('starting') };
    }
    if (request.method === 'GET' && request.path === '/v1/predictions/p-1') {
      return { status: 200, body: prediction(statuses[Math.min(polls++, statuses.length - 1)]) };
    }
    if (request.method === 'POST' && request.path === '/v1/predictions/p-1/cancel') {
      return { status: 200, body: prediction('canceled') };
    }
    if (request.method === 'GET' && request.path === '/files/p-1/out.png') {
      return script.file ?? { status: 200, headers: { 'content-type': 'image/png' }, body: png };
    }
    return { status: 404, body: { title: 'Not found', status: 404 } };
  });
}

describe('ReplicateProvider against a local predictions API', () => {
  let server: ProviderTestServer;
  let request: PoseImageRequest;
  let png: Buffer;
  const provider = () => new ReplicateProvider({ token: 'r8_test_token', baseUrl: server.url, pollIntervalMs: 1 });
  const creates = () => server.requestsTo('POST', /^\/v1\/predictions$/);

  beforeAll(async () => {
    server = await ProviderTestServer.start();
    request = await poseRequest();
    png = await renderedPng();
  });
  afterAll(() => server.close());

  it('creates a prediction with Prefer: wait, polls it to success, and downloads the output', async () => {
    replicateApi(server, png);

    const result = await provider().generate(request, { signal: new AbortController().signal });

    const [create] = creates();
    expect(create.headers.authorization).toBe('Bearer r8_test_token');
    expect(create.headers.prefer).toBe('wait');
    const body = jsonBody<{ version: string; input: Record<string, unknown> }>(create);
    expect(body.version).toBe(OPENPOSE_VERSION);
    expect(body.input).toMatchObject({
      prompt: request.prompt,
      negative_prompt: request.negativePrompt,
      num_inference_steps: 30,
      guidance_scale: 7.5,
      seed: request.seed,
    });
    const image = body.input.image as string;
    expect(Buffer.from(image.replace(/^data:image\/png;base64,/, ''), 'base64')).toEqual(request.controlImage);
    expect(server.requestsTo('GET', /^\/v1\/predictions\/p-1$/)).toHaveLength(2);
    expect(result).toEqual({
      image: png,
      contentType: 'image/png',
      provider: 'replicate',
      modelId: `lucataco/sdxl-controlnet-openpose:${OPENPOSE_VERSION}`,
      providerJobId: 'p-1',
      seed: request.seed,
      identity: 'none',
    });
  });

  describe('with REPLICATE_MODEL=zsxkib/instant-id', () => {
    const instantId = () =>
      new ReplicateProvider({
        token: 'r8_test_token',
        baseUrl: server.url,
        pollIntervalMs: 1,
        model: 'zsxkib/instant-id',
        ipAdapterScale: 0.7,
      });
    let avatar: Buffer;
    beforeAll(async () => {
      avatar = await avatarJpeg();
    });

    it('sends the avatar as the face image and the skeleton as the pose image, and reports identity', async () => {
      replicateApi(server, png);

      const result = await instantId().generate(
        { ...request, identity: 'avatar', avatarImage: avatar },
        { signal: new AbortController().signal },
      );

      const body = jsonBody<{ version: string; input: Record<string, unknown> }>(creates()[0]);
      expect(body.version).toBe(INSTANT_ID_VERSION);
      expect(body.input).toMatchObject({
        prompt: request.prompt,
        negative_prompt: request.negativePrompt,
        enable_pose_controlnet: true,
        ip_adapter_scale: 0.7,
        seed: request.seed,
      });
      const poseImage = body.input.pose_image as string;
      expect(Buffer.from(poseImage.replace(/^data:image\/png;base64,/, ''), 'base64')).toEqual(request.controlImage);
      await expectAvatarJpeg(body.input.image as string);
      expect(result).toMatchObject({ modelId: `zsxkib/instant-id:${INSTANT_ID_VERSION}`, identity: 'avatar' });
    });

    it('renders a generation that asked for no identity with the skeleton-only model', async () => {
      replicateApi(server, png);

      const result = await instantId().generate(
        { ...request, identity: 'none', avatarImage: avatar },
        { signal: new AbortController().signal },
      );

      const body = jsonBody<{ version: string; input: Record<string, unknown> }>(creates()[0]);
      expect(body.version).toBe(OPENPOSE_VERSION);
      expect(body.input).not.toHaveProperty('pose_image');
      expect(JSON.stringify(body)).not.toContain(avatar.toString('base64').slice(0, 64));
      expect(result).toMatchObject({
        modelId: `lucataco/sdxl-controlnet-openpose:${OPENPOSE_VERSION}`,
        identity: 'none',
      });
    });
  });

  it('never sends the avatar to the skeleton-only model, even when identity was asked for', async () => {
    replicateApi(server, png);

    const result = await provider().generate(
      { ...request, identity: 'avatar', avatarImage: await avatarJpeg() },
      { signal: new AbortController().signal },
    );

    expect(Object.keys(jsonBody<{ input: object }>(creates()[0]).input).sort()).toEqual([
      'guidance_scale',
      'image',
      'negative_prompt',
      'num_inference_steps',
      'prompt',
      'seed',
    ]);
    expect(result.identity).toBe('none');
  });

  it('takes a prediction that finished within the held request without polling', async () => {
    replicateApi(server, png, {
      create: () => ({
        status: 201,
        body: { id: 'p-1', status: 'succeeded', output: [`${server.url}/files/p-1/out.png`], error: null },
      }),
    });

    const result = await provider().generate(request, { signal: new AbortController().signal });

    expect(result.image).toEqual(png);
    expect(server.requestsTo('GET', /^\/v1\/predictions\//)).toHaveLength(0);
  });

  it('sends seed 1 rather than 0, which the model would replace by a random seed', async () => {
    replicateApi(server, png);
    const result = await provider().generate({ ...request, seed: 0 }, { signal: new AbortController().signal });
    expect(jsonBody<{ input: { seed: number } }>(creates()[0]).input.seed).toBe(1);
    expect(result.seed).toBe(1);
  });

  it('retries a 5xx create and a throttled create honouring Retry-After', async () => {
    const answers: Reply[] = [
      { status: 500, body: { detail: 'Internal server error' } },
      {
        status: 429,
        headers: { 'retry-after': '2' },
        body: { title: 'Request was throttled', detail: 'Expected available in 2 seconds.', status: 429 },
      },
    ];
    replicateApi(server, png, { create: (index) => answers[index] });
    const { delay, waits } = recordingDelay();

    const { result, attempts } = await new ProviderChain([provider()], { delay }).generate(request);

    expect(creates()).toHaveLength(3);
    expect(attempts.map((attempt) => attempt.error?.code)).toEqual(['unavailable', 'rate-limited', undefined]);
    expect(waits[1]).toBeGreaterThanOrEqual(2_000);
    expect(result.providerJobId).toBe('p-1');
  });

  it('does not retry a failed prediction', async () => {
    replicateApi(server, png, { statuses: ['failed'], failure: 'NSFW content detected' });
    const { delay } = recordingDelay();

    const error = await rejectionOf<ProviderChainError>(new ProviderChain([provider()], { delay }).generate(request));

    expect(creates()).toHaveLength(1);
    expect(error.errors[0]).toMatchObject({
      code: 'job-failed',
      retryable: false,
      message: 'replicate prediction failed: NSFW content detected',
    });
  });

  it('does not retry a 422 invalid input', async () => {
    replicateApi(server, png, {
      create: () => ({
        status: 422,
        body: { title: 'Input validation failed', detail: '- input.image: Does not match format uri' },
      }),
    });
    const { delay } = recordingDelay();

    const error = await rejectionOf<ProviderChainError>(new ProviderChain([provider()], { delay }).generate(request));

    expect(creates()).toHaveLength(1);
    expect(error.errors[0]).toMatchObject({ code: 'rejected-request', status: 422 });
  });

  it.each([
    ['truncated JSON', { status: 201, headers: { 'content-type': 'application/json' }, body: '{"id":"p-1","sta' }],
    [
      'an HTML page',
      { status: 201, headers: { 'content-type': 'text/html' }, body: '<!doctype html><p>maintenance</p>' },
    ],
    ['a prediction without an id', { status: 201, body: { status: 'starting' } }],
  ] as [string, Reply][])('treats %s from create as permanent', async (_case, create) => {
    replicateApi(server, png, { create: () => create });
    const { delay } = recordingDelay();

    const error = await rejectionOf<ProviderChainError>(new ProviderChain([provider()], { delay }).generate(request));

    expect(creates()).toHaveLength(1);
    expect(error.errors[0]).toMatchObject({ code: 'invalid-response', retryable: false });
  });

  it('treats an output file that is not an image as permanent', async () => {
    replicateApi(server, png, {
      file: { status: 200, headers: { 'content-type': 'image/png' }, body: Buffer.alloc(64, 7) },
    });
    await expect(provider().generate(request, { signal: new AbortController().signal })).rejects.toMatchObject({
      code: 'invalid-response',
      retryable: false,
    });
  });

  it('gives up a slow create at the per-call timeout and retries it', async () => {
    replicateApi(server, png, {
      create: () => ({ status: 201, body: { id: 'p-1', status: 'starting' }, delayMs: 10_000 }),
    });
    const { delay } = recordingDelay();

    const error = await rejectionOf<ProviderChainError>(
      new ProviderChain([provider()], { delay, policy: { attemptTimeoutMs: 1_000 } }).generate(request),
    );

    expect(creates()).toHaveLength(3);
    expect(error.errors[0]).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('on abort while the prediction runs, stops and cancels it', async () => {
    replicateApi(server, png, { statuses: ['processing'] });
    const controller = new AbortController();

    const outcome = provider().generate(request, { signal: controller.signal });
    await until(() => server.requestsTo('GET', /^\/v1\/predictions\/p-1$/).length >= 2);
    controller.abort();

    await expect(outcome).rejects.toMatchObject({ name: 'AbortError' });
    await until(() => server.requestsTo('POST', /\/cancel$/).length === 1);
  });
});
