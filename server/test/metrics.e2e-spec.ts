import { createMerchant, readEventStream, type Merchant } from './support/generation-fixtures.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from './support/test-app.js';

describe('metrics (e2e)', () => {
  let t: TestApp;
  let merchant: Merchant;
  let other: Merchant;

  beforeAll(async () => {
    t = await startTestApp();
    [merchant, other] = await Promise.all([createMerchant(t), createMerchant(t)]);
  });

  afterAll(() => t.close());

  const get = (path: string, key = merchant.apiKey) => t.request('GET', path, { key });
  const period = () => new Date().toISOString().slice(0, 7);

  async function runGeneration(owner: Merchant, poses: number): Promise<string> {
    const created = await t.request('POST', '/v1/generations', {
      key: owner.apiKey,
      body: {
        avatarId: owner.avatarId,
        productId: owner.productId,
        distribution: { 'fashion-standing': poses },
        width: 256,
        height: 320,
      },
    });
    expect(created.status).toBe(202);
    await readEventStream(`${t.baseUrl}/v1/generations/${created.body.id}/events`, owner.apiKey);
    return created.body.id;
  }

  it('counts a 100-pose generation and 3 exports for the brand kit and month; another user is unaffected', async () => {
    await runGeneration(other, 2);
    const othersBefore = (await get('/v1/metrics', other.apiKey)).body;
    expect(othersBefore.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          brandKitId: other.brandKitId,
          designType: 'pose',
          generations: 1,
          timesCreated: 2,
          timesExported: 0,
          totalTimeSaved: 2 * t.config.generation.timeSavedPerPoseSeconds,
        }),
        expect.objectContaining({ brandKitId: other.brandKitId, designType: 'avatar', timesCreated: 1 }),
      ]),
    );
    expect(othersBefore.data).toHaveLength(2);

    const generationId = await runGeneration(merchant, 100);
    const poses = (await get(`/v1/generations/${generationId}/poses?limit=3`)).body.data;
    for (const [pose, format] of [
      [poses[0], 'instagram-post'],
      [poses[1], 'instagram-post'],
      [poses[2], 'whatsapp-status'],
    ]) {
      const exported = await t.request('POST', `/v1/generated-poses/${pose.id}/exports`, {
        key: merchant.apiKey,
        body: { format },
      });
      expect(exported.status).toBe(201);
    }

    const metrics = await get(`/v1/metrics?brandKitId=${merchant.brandKitId}&period=${period()}&designType=pose`);
    expect(metrics.status).toBe(200);
    expect(metrics.body.data).toEqual([
      expect.objectContaining({
        brandKitId: merchant.brandKitId,
        designType: 'pose',
        period: period(),
        generations: 1,
        timesCreated: 100,
        timesFailed: 0,
        creditsUsed: 100,
        timesExported: 3,
        formatBreakdown: { 'instagram-post': 2, 'whatsapp-status': 1 },
        totalTimeSaved: 100 * t.config.generation.timeSavedPerPoseSeconds,
      }),
    ]);
    expect(metrics.body.data[0].avgCreationTime).toBeGreaterThan(0);
    expect((await get('/v1/metrics?designType=pose')).body.data).toHaveLength(1);
    const [avatarRow] = (await get('/v1/metrics?designType=avatar')).body.data;
    expect(avatarRow).toMatchObject({ brandKitId: merchant.brandKitId, timesCreated: 1, timesExported: 0 });
    expect(avatarRow.avgCreationTime).toBeGreaterThan(0);
    expect((await get('/v1/metrics?period=2001-01')).body.data).toEqual([]);
    expect((await get('/v1/metrics', other.apiKey)).body).toEqual(othersBefore);
    expect((await get(`/v1/metrics?brandKitId=${merchant.brandKitId}`, other.apiKey)).body.data).toEqual([]);

    const summary = await get(`/v1/metrics/summary?from=${period()}&to=${period()}`);
    expect(summary.status).toBe(200);
    // The avatar upload is its own line, never added into the pose totals.
    expect(summary.body).toEqual({
      byBrandKit: expect.arrayContaining([
        expect.objectContaining({
          brandKitId: merchant.brandKitId,
          designType: 'pose',
          timesCreated: 100,
          timesExported: 3,
        }),
        expect.objectContaining({
          brandKitId: merchant.brandKitId,
          designType: 'avatar',
          timesCreated: 1,
          timesExported: 0,
        }),
      ]),
      byPeriod: expect.arrayContaining([
        expect.objectContaining({
          period: period(),
          designType: 'pose',
          generations: 1,
          timesCreated: 100,
          formatBreakdown: { 'instagram-post': 2, 'whatsapp-status': 1 },
        }),
        expect.objectContaining({ period: period(), designType: 'avatar', timesCreated: 1 }),
      ]),
    });
    expect(summary.body.byBrandKit).toHaveLength(2);
    expect(summary.body.byPeriod).toHaveLength(2);
  });

  it('counts a canceled generation with the poses that finished, once', async () => {
    const owner = await createMerchant(t);
    const created = await t.request('POST', '/v1/generations', {
      key: owner.apiKey,
      body: {
        avatarId: owner.avatarId,
        productId: owner.productId,
        distribution: { 'fashion-walking': 40 },
        width: 256,
        height: 320,
      },
    });
    await t.request('POST', `/v1/generations/${created.body.id}/cancel`, { key: owner.apiKey, body: {} });
    const events = await readEventStream(`${t.baseUrl}/v1/generations/${created.body.id}/events`, owner.apiKey);
    const final = events.at(-1)!.data;
    const [row] = (await get('/v1/metrics?designType=pose', owner.apiKey)).body.data;
    expect(row).toMatchObject({ generations: 1, timesCreated: final.successfulPoses, timesFailed: final.failedPoses });
  });

  it('serves operational metrics in Prometheus format to the admin token only', async () => {
    const scrape = await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await scrape.text();
    expect(text).toContain('# TYPE lumiku_provider_latency_ms_last_hour gauge');
    expect(text).toMatch(/^lumiku_provider_poses_succeeded_last_hour\{provider="local-preview"\} \d+$/m);
    expect(text).toMatch(/^lumiku_provider_latency_ms_last_hour\{provider="local-preview",stat="p95"\} \d+$/m);
    expect(text).toContain('# HELP lumiku_webhook_deliveries');
    expect((await fetch(`${t.baseUrl}/metrics`)).status).toBe(401);
    expect((await get('/metrics')).status).toBe(401);
  });

  it('refuses malformed filters', async () => {
    expect((await get('/v1/metrics?period=2026-13')).status).toBe(400);
    expect((await get('/v1/metrics?designType=poster')).status).toBe(400);
    expect((await get('/v1/metrics/summary?from=last-month')).status).toBe(400);
    expect((await get('/v1/metrics?brandKitId=nope')).status).toBe(400);
  });
});
