import { Readable } from 'node:stream';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  BadRequestError,
  InternalServerError,
  LumikuError,
  Lumiku,
  NotFoundError,
  RateLimitError,
  type Fetch,
} from '../src/index.js';

interface Call {
  url: string;
  init: RequestInit;
  headers: Headers;
}

/** An injected fetch answering from a script, recording every call. */
function scriptedFetch(...answers: (Response | Error | ((call: Call) => Response | Promise<Response>))[]) {
  const calls: Call[] = [];
  const fetch: Fetch = async (url, init) => {
    const call = { url, init, headers: new Headers(init.headers) };
    calls.push(call);
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer(call) : answer.clone();
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const problem = (status: number, code: string, requestId: string) =>
  new Response(
    JSON.stringify({
      type: `urn:lumiku:problem:${code}`,
      title: code,
      status,
      detail: `${code} detail`,
      code,
      requestId,
    }),
    { status, headers: { 'content-type': 'application/problem+json', 'x-request-id': requestId } },
  );

const client = (fetch: Fetch, options: { maxRetries?: number; timeout?: number } = {}) =>
  new Lumiku({ apiKey: 'lk_test_unit', baseUrl: 'http://api.test', fetch, ...options });

const generationBody = { avatarId: 'a', productId: 'p', distribution: { fashion: 2 } };

describe('retries and idempotency', () => {
  it('retries 429 Retry-After: 0 twice, then succeeds with one Idempotency-Key', async () => {
    const rateLimited = () => problem(429, 'rate_limited', 'req_429');
    const { fetch, calls } = scriptedFetch(
      new Response(null, { status: 429, headers: { 'retry-after': '0' } }),
      () => new Response(rateLimited().body, { status: 429, headers: { 'retry-after': '0' } }),
      json(201, { id: 'gen_1', status: 'pending' }),
    );
    const generation = await client(fetch).generations.create(generationBody);
    expect(generation.id).toBe('gen_1');
    expect(calls).toHaveLength(3);
    const keys = new Set(calls.map((call) => call.headers.get('idempotency-key')));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(calls.map((call) => call.headers.get('x-lumiku-retry-count'))).toEqual([null, '1', '2']);
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer lk_test_unit');
    expect(JSON.parse(calls[2]!.init.body as string)).toEqual(generationBody);
  });

  it('sends the caller’s own Idempotency-Key', async () => {
    const { fetch, calls } = scriptedFetch(json(202, { id: 'gen_1' }));
    await client(fetch).generations.create(generationBody, { idempotencyKey: 'order-42' });
    expect(calls[0]!.headers.get('idempotency-key')).toBe('order-42');
  });

  it('gives each POST a key of its own, and GETs none', async () => {
    const { fetch, calls } = scriptedFetch(json(200, { id: 'x' }));
    const lumiku = client(fetch);
    await lumiku.brandKits.create({ brandName: 'A' });
    await lumiku.brandKits.create({ brandName: 'B' });
    await lumiku.brandKits.retrieve('kit_1');
    expect(calls[0]!.headers.get('idempotency-key')).not.toBe(calls[1]!.headers.get('idempotency-key'));
    expect(calls[2]!.headers.get('idempotency-key')).toBeNull();
    expect(calls[2]!.url).toBe('http://api.test/v1/brand-kits/kit_1');
  });

  it('stops after maxRetries and throws the last status as its error class', async () => {
    const { fetch, calls } = scriptedFetch(() => problem(503, 'service_unavailable', 'req_503'));
    const error = await client(fetch, { maxRetries: 1 })
      .brandKits.retrieve('kit_1')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(calls).toHaveLength(2);
  });

  it('does not retry a 400', async () => {
    const { fetch, calls } = scriptedFetch(problem(400, 'validation_failed', 'req_400'));
    await expect(client(fetch).brandKits.create({ brandName: '' })).rejects.toBeInstanceOf(BadRequestError);
    expect(calls).toHaveLength(1);
  });

  it('retries a connection error', async () => {
    const { fetch, calls } = scriptedFetch(new TypeError('fetch failed'), json(200, { id: 'kit_1' }));
    await expect(client(fetch).brandKits.retrieve('kit_1')).resolves.toEqual({ id: 'kit_1' });
    expect(calls).toHaveLength(2);
  });

  it('honours x-should-retry: false', async () => {
    const { fetch, calls } = scriptedFetch(
      () =>
        new Response('{}', { status: 429, headers: { 'x-should-retry': 'false', 'content-type': 'application/json' } }),
    );
    await expect(client(fetch).brandKits.retrieve('k')).rejects.toBeInstanceOf(RateLimitError);
    expect(calls).toHaveLength(1);
  });
});

describe('errors', () => {
  it('surfaces 404 as NotFoundError with the server’s requestId and problem body', async () => {
    const { fetch } = scriptedFetch(problem(404, 'not_found', 'req_abc123'));
    const error = await client(fetch)
      .generations.retrieve('missing')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(LumikuError);
    expect(error).toMatchObject({ status: 404, requestId: 'req_abc123', code: 'not_found' });
    expect((error as NotFoundError).problem?.detail).toBe('not_found detail');
  });

  it('times out each attempt with APIConnectionTimeoutError', async () => {
    const hang: Fetch = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    const error = await client(hang, { maxRetries: 0, timeout: 20 })
      .brandKits.retrieve('k')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(error).toBeInstanceOf(APIConnectionError);
  });

  it('rejects with APIUserAbortError when the caller aborts, without retrying', async () => {
    let calls = 0;
    const hang: Fetch = (_url, init) => {
      calls++;
      return new Promise((_resolve, reject) =>
        init.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    };
    const controller = new AbortController();
    const pending = client(hang).brandKits.retrieve('k', { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(calls).toBe(1);
  });

  it('refuses to start without credentials', () => {
    expect(() => new Lumiku({ baseUrl: 'http://api.test', fetch: scriptedFetch().fetch })).toThrow(LumikuError);
  });
});

describe('pagination', () => {
  it('iterates every item across pages, and exposes the page API', async () => {
    const { fetch, calls } = scriptedFetch(({ url }) =>
      new URL(url).searchParams.get('cursor') === 'c2'
        ? json(200, { data: [{ id: '3' }], nextCursor: null })
        : json(200, { data: [{ id: '1' }, { id: '2' }], nextCursor: 'c2' }),
    );
    const lumiku = client(fetch);
    const ids: string[] = [];
    for await (const template of lumiku.poseTemplates.list({ category: 'fashion', limit: 2 })) ids.push(template.id);
    expect(ids).toEqual(['1', '2', '3']);
    expect(calls[0]!.url).toBe('http://api.test/v1/pose-templates?category=fashion&limit=2');

    const first = await lumiku.poseTemplates.list({ limit: 2 });
    expect(first.hasNextPage()).toBe(true);
    const second = await first.getNextPage();
    expect(second.data.map((item) => item.id)).toEqual(['3']);
    expect(second.hasNextPage()).toBe(false);
  });
});

describe('uploads', () => {
  const avatarAnswer = () => json(201, { id: 'avatar_1' });

  it.each([
    ['Blob', () => new Blob([new Uint8Array([1, 2, 3])])],
    ['Buffer', () => Buffer.from([1, 2, 3])],
    ['Uint8Array', () => new Uint8Array([1, 2, 3])],
    ['Node stream', () => Readable.from([Buffer.from([1]), Buffer.from([2, 3])])],
    ['web ReadableStream', () => new Blob([new Uint8Array([1, 2, 3])]).stream()],
  ])('sends a %s as a multipart file part', async (_kind, makeFile) => {
    const { fetch, calls } = scriptedFetch(avatarAnswer());
    await client(fetch).avatars.create({ file: makeFile(), filename: 'model.jpg', brandKitId: 'kit', name: 'Model' });
    const form = calls[0]!.init.body as FormData;
    expect(form.get('brandKitId')).toBe('kit');
    const file = form.get('file') as File;
    expect(file.name).toBe('model.jpg');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });
});

describe('generation events', () => {
  const stream = (text: string) =>
    new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  const snapshot = {
    status: 'processing',
    progress: 50,
    totalPoses: 2,
    successfulPoses: 1,
    failedPoses: 0,
    canceledPoses: 0,
  };

  it('reads the SSE stream as typed events', async () => {
    const body =
      `event: progress\ndata: ${JSON.stringify(snapshot)}\n\n` +
      `: keep-alive\n\nevent: pose.succeeded\ndata: {"poseId":"p1","slotIndex":0}\n\n` +
      `event: completed\ndata: ${JSON.stringify({ ...snapshot, status: 'completed', progress: 100 })}\n\n`;
    const { fetch, calls } = scriptedFetch(() => stream(body));
    const events = [];
    for await (const event of client(fetch).generations.events('gen_1')) events.push(event);
    expect(events.map((event) => event.type)).toEqual(['progress', 'pose.succeeded', 'completed']);
    expect(events[1]).toEqual({ type: 'pose.succeeded', poseId: 'p1', slotIndex: 0 });
    expect(calls[0]!.headers.get('accept')).toBe('text/event-stream');
  });

  it('waitForCompletion falls back to polling when the stream is unavailable', async () => {
    let polls = 0;
    const { fetch } = scriptedFetch(({ url }) => {
      if (url.endsWith('/events')) return new Response('', { status: 503, headers: { 'x-should-retry': 'false' } });
      polls++;
      return json(200, { id: 'gen_1', ...snapshot, status: polls < 2 ? 'processing' : 'completed' });
    });
    const progress: number[] = [];
    const generation = await client(fetch).generations.waitForCompletion('gen_1', {
      pollInterval: 1,
      onProgress: (update) => progress.push(update.progress),
    });
    expect(generation.status).toBe('completed');
    expect(polls).toBe(2);
    expect(progress).toEqual([50]);
  });
});
