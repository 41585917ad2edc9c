import { deriveClientTokenKey, signClientToken } from '../src/client-tokens/client-token-format.js';
import { createMerchant, type Merchant } from './support/generation-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const FILE_URL_SECRET = 'client-token-test-secret-0123456789abcdef';
const SHOP_ORIGIN = 'https://shop.example.com';

describe('client tokens (e2e)', () => {
  let t: TestApp;
  let merchant: Merchant;
  let storefrontKey: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { FILE_URL_SECRET } });
    merchant = await createMerchant(t);
    const key = await t.request('POST', '/v1/api-keys', {
      key: merchant.apiKey,
      body: { name: 'storefront', corsOrigins: [SHOP_ORIGIN] },
    });
    expect(key.status).toBe(201);
    expect(key.body.corsOrigins).toEqual([SHOP_ORIGIN]);
    storefrontKey = key.body.secret;
  });

  afterAll(() => t.close());

  const mint = async (body: object, key = storefrontKey) => {
    const response = await t.request('POST', '/v1/client-tokens', { key, body });
    expect(response.status).toBe(201);
    return response.body.token as string;
  };

  it('reads pose templates within its scope, and names allowed origins only', async () => {
    const token = await mint({ brandKitId: merchant.brandKitId, scopes: ['poses:read'], ttlSeconds: 60 });
    const fromShop = await t.request('GET', '/v1/pose-templates?limit=2', {
      key: token,
      headers: { origin: SHOP_ORIGIN },
    });
    expect(fromShop.status).toBe(200);
    expect(fromShop.body.data).toHaveLength(2);
    expect(fromShop.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(fromShop.headers.get('access-control-expose-headers')).toContain('x-request-id');

    const elsewhere = await t.request('GET', '/v1/pose-templates?limit=1', {
      key: token,
      headers: { origin: 'https://evil.example' },
    });
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers preflights', async () => {
    const response = await fetch(`${t.baseUrl}/v1/generations`, {
      method: 'OPTIONS',
      headers: { origin: SHOP_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    // The SDK's headers: a retried browser request must pass the preflight too.
    for (const header of ['authorization', 'idempotency-key', 'x-lumiku-retry-count']) {
      expect(response.headers.get('access-control-allow-headers')).toContain(header);
    }
  });

  it('refuses routes and scopes it was not given', async () => {
    const token = await mint({ brandKitId: merchant.brandKitId, scopes: ['poses:read'] });
    const create = await t.request('POST', '/v1/generations', {
      key: token,
      body: { avatarId: merchant.avatarId, productId: merchant.productId, poseTemplateIds: [] },
    });
    expect(create.status).toBe(403);
    expect(create.body.detail).toContain('generations:create');
    expect((await t.request('GET', '/v1/brand-kits', { key: token })).status).toBe(403);
    expect((await t.request('POST', '/v1/client-tokens', { key: token, body: {} })).status).toBe(403);
  });

  it('starts and reads generations of its brand kit only', async () => {
    const token = await mint({ brandKitId: merchant.brandKitId, scopes: ['generations:create', 'generations:read'] });
    const created = await t.request('POST', '/v1/generations', {
      key: token,
      body: { avatarId: merchant.avatarId, productId: merchant.productId, distribution: { fashion: 1 } },
    });
    expect(created.status).toBe(202);
    expect(created.body.brandKitId).toBe(merchant.brandKitId);
    expect((await t.request('GET', `/v1/generations/${created.body.id}`, { key: token })).status).toBe(200);

    const otherKit = await t.request('POST', '/v1/brand-kits', { key: merchant.apiKey, body: { brandName: 'Other' } });
    const otherToken = await mint({ brandKitId: otherKit.body.id, scopes: ['generations:create', 'generations:read'] });
    expect((await t.request('GET', `/v1/generations/${created.body.id}`, { key: otherToken })).status).toBe(404);
    const crossKit = await t.request('POST', '/v1/generations', {
      key: otherToken,
      body: { avatarId: merchant.avatarId, productId: merchant.productId, distribution: { fashion: 1 } },
    });
    expect(crossKit.status).toBe(404);
    const namedKit = await t.request('POST', '/v1/generations', {
      key: otherToken,
      body: { brandKitId: merchant.brandKitId, avatarId: merchant.avatarId, productId: merchant.productId },
    });
    expect(namedKit.status).toBe(403);
  });

  it('cannot be minted for another tenant’s brand kit', async () => {
    const stranger = await t.createUser();
    const response = await t.request('POST', '/v1/client-tokens', {
      key: stranger.apiKey,
      body: { brandKitId: merchant.brandKitId, scopes: ['poses:read'] },
    });
    expect(response.status).toBe(404);
  });

  it('is refused after expiry, when forged, and once its key is revoked', async () => {
    const valid = await mint({ brandKitId: merchant.brandKitId, scopes: ['poses:read'] });
    const claims = JSON.parse(Buffer.from(valid.slice('lk_ct_'.length).split('.')[0], 'base64url').toString());
    const expired = signClientToken(
      { ...claims, expiresAt: Math.floor(Date.now() / 1000) - 1 },
      deriveClientTokenKey(Buffer.from(FILE_URL_SECRET)),
    );
    const afterExpiry = await t.request('GET', '/v1/pose-templates', {
      key: expired,
      headers: { origin: SHOP_ORIGIN },
    });
    expect(afterExpiry.status).toBe(401);
    expect(afterExpiry.body.detail).toContain('expired');
    expect(afterExpiry.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);

    const forged = signClientToken({ ...claims, scopes: ['poses:read', 'generations:create'] }, Buffer.alloc(32));
    expect((await t.request('GET', '/v1/pose-templates', { key: forged })).status).toBe(401);

    const key = await t.request('POST', '/v1/api-keys', { key: merchant.apiKey, body: { name: 'short-lived' } });
    const token = await mint({ brandKitId: merchant.brandKitId, scopes: ['poses:read'] }, key.body.secret);
    expect((await t.request('GET', '/v1/pose-templates', { key: token })).status).toBe(200);
    await t.request('DELETE', `/v1/api-keys/${key.body.id}`, { key: merchant.apiKey });
    expect((await t.request('GET', '/v1/pose-templates', { key: token })).status).toBe(401);
  });
});
