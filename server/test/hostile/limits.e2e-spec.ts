import { createMerchant, type Merchant } from '../support/generation-fixtures.js';
import { laneName } from '../support/lanes.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const LIMIT = 30;

describe(`limits (${laneName} lane)`, () => {
  let t: TestApp;
  let merchant: Merchant;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        RATE_LIMIT_REQUESTS: String(LIMIT),
        RATE_LIMIT_WINDOW: '10m',
        MAX_RUNNING_GENERATIONS: '1',
        // Nothing picks the slots up, so the first generation stays running for the whole test.
        RUN_WORKERS: 'false',
      },
    });
    merchant = await createMerchant(t);
  });
  afterAll(() => t.close());

  it('refuses a second running generation with 429 too_many_running_generations', async () => {
    const body = {
      avatarId: merchant.avatarId,
      productId: merchant.productId,
      distribution: { 'fashion-standing': 2 },
    };
    const first = await t.request('POST', '/v1/generations', { key: merchant.apiKey, body });
    expect(first.status).toBe(202);

    const second = await t.request('POST', '/v1/generations', { key: merchant.apiKey, body });
    expect(second.status).toBe(429);
    expect(second.headers.get('content-type')).toContain('application/problem+json');
    expect(second.body.code).toBe('too_many_running_generations');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);

    // Canceling the first frees the place.
    const canceled = await t.request('POST', `/v1/generations/${first.body.id}/cancel`, { key: merchant.apiKey });
    expect(canceled.body.status).toBe('canceled');
    expect((await t.request('POST', '/v1/generations', { key: merchant.apiKey, body })).status).toBe(202);
  });

  it('answers a burst over the per-key limit with 429 problem+json, Retry-After and RateLimit headers', async () => {
    const burst = await Promise.all(
      Array.from({ length: LIMIT }, () => t.request('GET', '/v1/brand-kits', { key: merchant.apiKey })),
    );
    const limited = burst.filter((response) => response.status === 429);
    const passed = burst.filter((response) => response.status === 200);
    console.log(
      `rate limit (${laneName} lane): burst of ${LIMIT} after setup: ${passed.length} 200, ${limited.length} 429`,
    );

    expect(passed.length).toBeGreaterThan(0);
    expect(limited.length).toBeGreaterThan(0);
    expect(passed[0].headers.get('ratelimit-limit')).toBe(String(LIMIT));
    expect(Number(passed[0].headers.get('ratelimit-remaining'))).toBeLessThan(LIMIT);
    for (const response of limited) {
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('rate_limited');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(response.headers.get('ratelimit-remaining')).toBe('0');
    }

    // The budget is per key: another user's key is not affected.
    const other = await t.createUser();
    expect((await t.request('GET', '/v1/brand-kits', { key: other.apiKey })).status).toBe(200);
    // Health probes stay outside every budget.
    const probe = await t.request('GET', '/health', { key: merchant.apiKey });
    expect(probe.status).toBe(200);
    expect(probe.headers.get('ratelimit-limit')).toBeNull();
  });
});
