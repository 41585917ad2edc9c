import { ADMIN_TOKEN, startTestApp, type TestApp } from './support/test-app.js';

describe('foundation (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(() => t.close());

  describe('health', () => {
    it('answers live and ready without a key', async () => {
      expect(await t.request('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
      const ready = await t.request('GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.checks.database).toBe('ok');
      if (t.config.redisUrl) expect(ready.body.checks.redis).toBe('ok');
    });
  });

  describe('request ids', () => {
    it('puts x-request-id on every answer, success or error, and echoes it in problems', async () => {
      const ok = await t.request('GET', '/health');
      expect(ok.headers.get('x-request-id')).toMatch(/^req_/);
      const missing = await t.request('GET', '/v1/no-such-route');
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('route_not_found');
      expect(missing.body.requestId).toBe(missing.headers.get('x-request-id'));
    });

    it("keeps a caller's well-formed request id and replaces a malformed one", async () => {
      const kept = await t.request('GET', '/health', { headers: { 'x-request-id': 'storefront-42' } });
      expect(kept.headers.get('x-request-id')).toBe('storefront-42');
      const replaced = await t.request('GET', '/health', { headers: { 'x-request-id': 'bad id with spaces' } });
      expect(replaced.headers.get('x-request-id')).toMatch(/^req_/);
    });
  });

  describe('authentication', () => {
    it('answers 401 problem+json without a key, with a malformed one, or with an unknown one', async () => {
      const attempts: Array<Record<string, string>> = [
        {},
        { authorization: 'Basic abc' },
        { authorization: 'Bearer lk_test_unknownunknownunknown00' },
      ];
      for (const headers of attempts) {
        const response = await t.request('GET', '/v1/brand-kits', { headers });
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
        expect(response.body).toMatchObject({ status: 401, code: 'unauthorized', title: 'Unauthorized' });
        expect(response.body).toEqual(
          expect.objectContaining({ type: expect.any(String), detail: expect.any(String), instance: '/v1/brand-kits' }),
        );
      }
    });

    it('lets a user mint, list and revoke its keys; a revoked key answers 401', async () => {
      const user = await t.createUser();
      const minted = await t.request('POST', '/v1/api-keys', { key: user.apiKey, body: { name: 'storefront' } });
      expect(minted.status).toBe(201);
      expect(minted.body.secret).toMatch(/^lk_test_[A-Za-z0-9]{32}$/);
      expect(minted.body.prefix).toBe(minted.body.secret.slice(0, 12));

      const listed = await t.request('GET', '/v1/api-keys', { key: minted.body.secret });
      expect(listed.status).toBe(200);
      expect(listed.body.data).toHaveLength(2);
      expect(JSON.stringify(listed.body)).not.toContain(minted.body.secret);

      const revoked = await t.request('DELETE', `/v1/api-keys/${minted.body.id}`, { key: user.apiKey });
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      expect((await t.request('GET', '/v1/brand-kits', { key: minted.body.secret })).status).toBe(401);
      expect((await t.request('GET', '/v1/brand-kits', { key: user.apiKey })).status).toBe(200);

      const other = await t.createUser();
      const foreign = await t.request('DELETE', `/v1/api-keys/${minted.body.id}`, { key: other.apiKey });
      expect(foreign.status).toBe(404);
    });

    it('stores keys only as hashes', async () => {
      const user = await t.createUser();
      const rows = await t.database.client.apiKey.findMany({ where: { userId: user.id } });
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(user.apiKey);
    });
  });

  describe('admin', () => {
    it('creates users only with the admin token', async () => {
      const body = { email: 'Admin-Made@Example.com', name: 'Shop' };
      expect((await t.request('POST', '/v1/admin/users', { body })).status).toBe(401);
      expect((await t.request('POST', '/v1/admin/users', { body, key: 'wrong_admin_token_0000000' })).status).toBe(401);
      const user = await t.createUser();
      expect((await t.request('POST', '/v1/admin/users', { body, key: user.apiKey })).status).toBe(401);

      const created = await t.request('POST', '/v1/admin/users', { body, key: ADMIN_TOKEN });
      expect(created.status).toBe(201);
      expect(created.body.user).toMatchObject({ email: 'admin-made@example.com', name: 'Shop' });
      expect(created.body.apiKey).toMatch(/^lk_test_/);

      const duplicate = await t.request('POST', '/v1/admin/users', { body, key: ADMIN_TOKEN });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.code).toBe('conflict');
    });

    it('sets a credit quota when creating a user and changes it with a PATCH', async () => {
      const body = { email: 'quota@example.com', name: 'Quota shop', creditQuota: 50 };
      const created = await t.request('POST', '/v1/admin/users', { body, key: ADMIN_TOKEN });
      expect(created.status).toBe(201);
      expect(created.body.user).toMatchObject({ creditQuota: 50, creditsUsed: 0 });
      const id = created.body.user.id as string;

      const raised = await t.request('PATCH', `/v1/admin/users/${id}`, {
        body: { creditQuota: 500 },
        key: ADMIN_TOKEN,
      });
      expect(raised.status).toBe(200);
      expect(raised.body).toMatchObject({ id, name: 'Quota shop', creditQuota: 500 });
      const unlimited = await t.request('PATCH', `/v1/admin/users/${id}`, {
        body: { creditQuota: null },
        key: ADMIN_TOKEN,
      });
      expect(unlimited.body.creditQuota).toBeNull();

      expect(
        (await t.request('PATCH', `/v1/admin/users/${id}`, { body: { creditQuota: -1 }, key: ADMIN_TOKEN })).status,
      ).toBe(400);
      expect((await t.request('PATCH', `/v1/admin/users/${id}`, { body: { creditQuota: 1 } })).status).toBe(401);
      const missing = await t.request('PATCH', '/v1/admin/users/00000000-0000-4000-8000-000000000000', {
        body: { creditQuota: 1 },
        key: ADMIN_TOKEN,
      });
      expect(missing.status).toBe(404);
    });
  });

  describe('OpenAPI', () => {
    it('serves Swagger UI and the spec, with verb operationIds and named enums', async () => {
      expect((await t.request('GET', '/docs')).status).toBe(200);
      const spec = await t.request('GET', '/openapi.json');
      expect(spec.status).toBe(200);
      const operationIds = Object.values(spec.body.paths as Record<string, Record<string, { operationId: string }>>)
        .flatMap((operations) => Object.values(operations))
        .map((operation) => operation.operationId);
      expect(operationIds).toEqual(expect.arrayContaining(['createBrandKit', 'listBrandKits', 'getBrandKit']));
      for (const id of operationIds) {
        expect(id).toMatch(
          /^(create|list|get|update|delete|revoke|import|quote|cancel|retry|stream|rotate|test|replay|recover)[A-Z]/,
        );
      }
      expect(spec.body.components.schemas.ProblemCode.enum).toContain('validation_failed');
    });
  });
});

describe('failures (e2e)', () => {
  it('answers a generic 500 with no stack or SQL, and 503 on /health/ready, when the database is gone', async () => {
    const t = await startTestApp();
    const user = await t.createUser();
    await t.database.onApplicationShutdown();
    const response = await t.request('GET', '/v1/brand-kits', { key: user.apiKey });
    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({ status: 500, code: 'internal_error' });
    expect(JSON.stringify(response.body)).not.toMatch(/SELECT|prisma|at \w+ \(|\.ts:/i);
    const ready = await t.request('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.code).toBe('service_unavailable');
    await t.close();
  });
});
