import { ProviderTestServer } from '../../../test/providers/provider-test-server.js';
import {
  poseRequest,
  recordingDelay,
  renderedPng,
  until,
  rejectionOf,
} from '../../../test/providers/provider-fixtures.js';
import { FalProvider } from './fal-provider.js';
import { HuggingFaceProvider } from './huggingface-provider.js';
import { LocalPreviewProvider } from './local-preview-provider.js';
import type { PoseImageRequest } from './pose-image-provider.js';
import { ProviderChain, ProviderChainError } from './provider-chain.js';

/**
 * Failover across real adapters: Hugging Face on one local server, fal on another (answering the queue
 * protocol in one poll), and the local preview.
 */
describe('ProviderChain failover', () => {
  let huggingFaceServer: ProviderTestServer;
  let falServer: ProviderTestServer;
  let request: PoseImageRequest;
  let png: Buffer;
  const huggingFace = () =>
    new HuggingFaceProvider({
      token: 'hf_test_token',
      model: 'lllyasviel/control_v11p_sd15_openpose',
      provider: undefined,
      endpointUrl: huggingFaceServer.url,
    });
  const fal = () => new FalProvider({ key: 'fal-key', baseUrl: falServer.url, pollIntervalMs: 1 });

  beforeAll(async () => {
    [huggingFaceServer, falServer] = await Promise.all([ProviderTestServer.start(), ProviderTestServer.start()]);
    request = await poseRequest();
    png = await renderedPng();
  });
  afterAll(() => Promise.all([huggingFaceServer.close(), falServer.close()]));

  beforeEach(() => {
    falServer.handle((recorded) => {
      if (recorded.method === 'POST') return { status: 200, body: { request_id: 'fal-1' } };
      if (recorded.path.endsWith('/status')) return { status: 200, body: { status: 'COMPLETED' } };
      if (recorded.path.startsWith('/files/'))
        return { status: 200, headers: { 'content-type': 'image/png' }, body: png };
      return { status: 200, body: { images: [{ url: `${falServer.url}/files/fal-1.png` }], seed: 5 } };
    });
  });

  it('moves to the next provider once retries are spent, and reports every attempt', async () => {
    huggingFaceServer.handle(() => ({ status: 503, body: { error: 'Service Unavailable' } }));
    const { delay, waits } = recordingDelay();

    const { result, attempts } = await new ProviderChain([huggingFace(), fal()], { delay }).generate(request);

    expect(huggingFaceServer.requests).toHaveLength(3);
    expect(result).toMatchObject({ provider: 'fal', providerJobId: 'fal-1', image: png });
    expect(attempts.map(({ provider, attempt, error }) => [provider, attempt, error?.code])).toEqual([
      ['huggingface', 1, 'unavailable'],
      ['huggingface', 2, 'unavailable'],
      ['huggingface', 3, 'unavailable'],
      ['fal', 1, undefined],
    ]);
    expect(attempts.map((attempt) => attempt.retryInMs)).toEqual([waits[0], waits[1], undefined, undefined]);
  });

  it('backs off exponentially with jitter, within the cap', async () => {
    huggingFaceServer.handle(() => ({ status: 500, body: { error: 'boom' } }));
    const { delay, waits } = recordingDelay();
    const chain = (random: number) =>
      new ProviderChain([huggingFace()], {
        delay,
        random: () => random,
        policy: { maxAttemptsPerProvider: 5, baseDelayMs: 1_000, maxDelayMs: 5_000 },
      });

    await chain(0)
      .generate(request)
      .catch(() => undefined);
    await chain(0.5)
      .generate(request)
      .catch(() => undefined);

    // Steps of 1, 2, 4 and (capped) 5 seconds; jitter keeps each between half the step and the step.
    expect(waits.slice(0, 4)).toEqual([500, 1_000, 2_000, 2_500]);
    expect(waits.slice(4)).toEqual([750, 1_500, 3_000, 3_750]);
  });

  it('moves on at once after a permanent error', async () => {
    huggingFaceServer.handle(() => ({ status: 401, body: { error: 'Invalid credentials in Authorization header' } }));
    const { delay, waits } = recordingDelay();

    const { result, attempts } = await new ProviderChain([huggingFace(), fal()], { delay }).generate(request);

    expect(huggingFaceServer.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(attempts[0].error).toMatchObject({ code: 'unauthorized', status: 401, retryable: false });
    expect(result.provider).toBe('fal');
  });

  it('moves on rather than wait when Retry-After exceeds the longest wait', async () => {
    huggingFaceServer.handle(() => ({
      status: 429,
      headers: { 'retry-after': '120' },
      body: { error: 'Rate limited' },
    }));
    const { delay, waits } = recordingDelay();

    const { result } = await new ProviderChain([huggingFace(), new LocalPreviewProvider()], { delay }).generate(
      request,
    );

    expect(huggingFaceServer.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(result).toMatchObject({ provider: 'local-preview', isPreview: true });
  });

  it('when every provider fails, says whether trying later can help and when', async () => {
    huggingFaceServer.handle(() => ({
      status: 429,
      headers: { 'retry-after': '90' },
      body: { error: 'Rate limited' },
    }));
    falServer.handle(() => ({ status: 403, body: { detail: 'Forbidden' } }));
    const { delay } = recordingDelay();

    const error = await rejectionOf<ProviderChainError>(
      new ProviderChain([huggingFace(), fal()], { delay }).generate(request),
    );

    expect(error).toBeInstanceOf(ProviderChainError);
    expect(error.errors.map((failure) => [failure.provider, failure.code])).toEqual([
      ['huggingface', 'rate-limited'],
      ['fal', 'unauthorized'],
    ]);
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(90_000);
  });

  it('reports a provider that throws something unexpected as a permanent failure and moves on', async () => {
    const garbled = { ...request, controlImage: Buffer.from('not an image') };
    const { result, attempts } = await new ProviderChain([new LocalPreviewProvider(), fal()]).generate(garbled);
    expect(attempts[0].error).toMatchObject({ code: 'unexpected', retryable: false });
    expect(result.provider).toBe('fal');
  });

  it('puts a preferred provider first and refuses one that is not configured', () => {
    const chain = new ProviderChain([huggingFace(), fal(), new LocalPreviewProvider()]);
    expect(chain.preferring('fal').names).toEqual(['fal', 'huggingface', 'local-preview']);
    expect(() => chain.preferring('replicate')).toThrow(/replicate is not configured/);
    expect(() => new ProviderChain([])).toThrow(/at least one provider/);
  });

  it('stops during a backoff wait when the caller aborts, without another call', async () => {
    huggingFaceServer.handle(() => ({ status: 503, body: { error: 'Service Unavailable' } }));
    const controller = new AbortController();
    // The real delay, with a wait far longer than the test: only the abort can end it.
    const chain = new ProviderChain([huggingFace(), fal()], { policy: { baseDelayMs: 600_000, maxDelayMs: 600_000 } });

    const outcome = chain.generate(request, { signal: controller.signal });
    await until(() => huggingFaceServer.requests.length === 1);
    controller.abort();

    await expect(outcome).rejects.toMatchObject({ name: 'AbortError' });
    expect(huggingFaceServer.requests).toHaveLength(1);
    expect(falServer.requests).toHaveLength(0);
  });
});
