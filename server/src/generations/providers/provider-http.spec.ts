import { errorForResponse, parseRetryAfter } from './provider-http.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1_500);
  });

  it('reads an HTTP date, and a date in the past as no wait', () => {
    expect(parseRetryAfter('Fri, 27 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('errorForResponse', () => {
  const classify = (status: number, body: string, headers: Record<string, string> = {}) =>
    errorForResponse('huggingface', new Response(body, { status, headers }));

  it.each([
    [429, '{"error":"Rate limit reached"}', 'rate-limited', true],
    [408, '', 'timeout', true],
    [500, '{"error":"boom"}', 'unavailable', true],
    [503, '{"error":"Service Unavailable"}', 'unavailable', true],
    [503, '{"error":"Model x is currently loading","estimated_time":20.0}', 'model-loading', true],
    [401, '{"error":"Invalid credentials"}', 'unauthorized', false],
    [403, 'Forbidden', 'unauthorized', false],
    [400, '{"error":"bad input"}', 'rejected-request', false],
    [404, '<html>Not Found</html>', 'rejected-request', false],
    [422, '{"detail":[{"msg":"field required"}]}', 'rejected-request', false],
  ])('classifies %i %s as %s', async (status, body, code, retryable) => {
    expect(await classify(status, body)).toMatchObject({ status, code, retryable });
  });

  it('takes the wait from Retry-After, else from the estimated loading time', async () => {
    expect((await classify(429, '', { 'retry-after': '3' })).retryAfterMs).toBe(3_000);
    expect((await classify(503, '{"error":"loading","estimated_time":4.2}')).retryAfterMs).toBe(4_200);
    expect((await classify(503, '{"error":"loading","estimated_time":4.2}', { 'retry-after': '1' })).retryAfterMs).toBe(
      1_000,
    );
    expect((await classify(500, '')).retryAfterMs).toBeUndefined();
  });

  it('keeps the provider message short and never repeats an HTML page', async () => {
    expect((await classify(422, '{"detail":[{"msg":"field required"}]}')).message).toBe(
      'huggingface answered 422: field required',
    );
    expect((await classify(502, '<!doctype html><html>…</html>')).message).toBe(
      'huggingface answered 502: an HTML page',
    );
    expect((await classify(500, 'x'.repeat(1_000))).message.length).toBeLessThan(340);
  });
});
