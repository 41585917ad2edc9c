import { createMerchant, type Merchant } from '../support/generation-fixtures.js';
import { laneName } from '../support/lanes.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Runs on both lanes: no process is killed; the key record is put in the state a killed request leaves. */
describe(`Idempotency-Key of a request that died (${laneName} lane, e2e)`, () => {
  let t: TestApp;
  let merchant: Merchant;

  beforeAll(async () => {
    t = await startTestApp({ env: { IDEMPOTENCY_LEASE_MS: '60000' } });
    merchant = await createMerchant(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const create = (key: string, poses = 3) =>
    t.request('POST', '/v1/generations', {
      key: merchant.apiKey,
      headers: { 'idempotency-key': key },
      body: {
        avatarId: merchant.avatarId,
        productId: merchant.productId,
        distribution: { 'fashion-standing': poses },
        width: 256,
        height: 384,
      },
    });
  const keyRecord = (key: string) => ({ userId_key: { userId: merchant.userId, key } });

  it('is 409 during its lease, then a retry takes it over and gets the generation the dead run committed', async () => {
    const key = 'lease-died-after-commit';
    const first = await create(key);
    expect(first.status).toBe(202);
    // What a request killed after its commit leaves: the key in progress, its lease running.
    await t.database.client.idempotencyKey.update({
      where: keyRecord(key),
      data: { state: 'in_progress', responseStatus: null, expiresAt: new Date(Date.now() + 60_000) },
    });
    const during = await create(key);
    expect(during.status).toBe(409);
    expect(during.body.code).toBe('idempotency_in_progress');

    await t.database.client.idempotencyKey.update({
      where: keyRecord(key),
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    const retried = await create(key);
    expect(retried.status).toBe(202);
    expect(retried.body.id).toBe(first.body.id);
    const generations = await t.database.client.poseGeneration.findMany({ where: { userId: merchant.userId } });
    expect(generations.map((generation) => generation.id)).toEqual([first.body.id]);
    expect((await t.database.client.idempotencyKey.findUniqueOrThrow({ where: keyRecord(key) })).state).toBe(
      'completed',
    );

    const replayed = await create(key);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body.id).toBe(first.body.id);
  });

  it('is not taken over by a different request under the same key once its lease ran out', async () => {
    const key = 'lease-other-body';
    expect((await create(key)).status).toBe(202);
    await t.database.client.idempotencyKey.update({
      where: keyRecord(key),
      data: { state: 'in_progress', responseStatus: null, expiresAt: new Date(Date.now() - 1) },
    });
    const other = await create(key, 4);
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
  });
});
