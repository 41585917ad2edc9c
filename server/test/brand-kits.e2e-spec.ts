import { startTestApp, type TestApp } from './support/test-app.js';

describe('brand kits (e2e)', () => {
  let t: TestApp;
  let alice: { id: string; apiKey: string };
  let bob: { id: string; apiKey: string };

  beforeAll(async () => {
    t = await startTestApp();
    alice = await t.createUser();
    bob = await t.createUser();
  });

  afterAll(() => t.close());

  const create = (key: string, body: object) => t.request('POST', '/v1/brand-kits', { key, body });

  it('creates, lists, reads, patches and deletes a kit', async () => {
    const created = await create(alice.apiKey, {
      brandName: 'Glow Lab',
      colors: ['#ffaa00', '#112233'],
      fonts: [{ family: 'Inter', weights: [700, 400] }],
      category: 'skincare',
      tone: 'calm, clinical',
      tagline: 'Skin first',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      brandName: 'Glow Lab',
      colors: ['#FFAA00', '#112233'],
      fonts: [{ family: 'Inter', weights: [400, 700] }],
      category: 'skincare',
      isDefault: true,
    });
    const id = created.body.id as string;

    const listed = await t.request('GET', '/v1/brand-kits', { key: alice.apiKey });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((kit: { id: string }) => kit.id)).toContain(id);
    expect(listed.body).toHaveProperty('nextCursor', null);

    expect((await t.request('GET', `/v1/brand-kits/${id}`, { key: alice.apiKey })).body.brandName).toBe('Glow Lab');

    const patched = await t.request('PATCH', `/v1/brand-kits/${id}`, { key: alice.apiKey, body: { tone: 'playful' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ tone: 'playful', brandName: 'Glow Lab', colors: ['#FFAA00', '#112233'] });

    expect((await t.request('DELETE', `/v1/brand-kits/${id}`, { key: alice.apiKey })).status).toBe(204);
    expect((await t.request('GET', `/v1/brand-kits/${id}`, { key: alice.apiKey })).status).toBe(404);
  });

  it("hides one user's kit from another on every route", async () => {
    const kit = (await create(alice.apiKey, { brandName: 'Private' })).body;
    for (const [method, body] of [['GET'], ['PATCH', { tone: 'x' }], ['DELETE']] as const) {
      const response = await t.request(method, `/v1/brand-kits/${kit.id}`, { key: bob.apiKey, body });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe('not_found');
    }
    const bobsList = await t.request('GET', '/v1/brand-kits?limit=100', { key: bob.apiKey });
    expect(bobsList.body.data.map((k: { id: string }) => k.id)).not.toContain(kit.id);
    expect((await t.request('GET', `/v1/brand-kits/${kit.id}`, { key: alice.apiKey })).status).toBe(200);
  });

  it('answers 400 problem+json naming each bad field', async () => {
    const response = await create(alice.apiKey, {
      brandName: 'Bad',
      colors: ['red'],
      fonts: [{ family: '', weights: [50] }],
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, code: 'validation_failed', instance: '/v1/brand-kits' });
    const fields = response.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['colors', 'fonts[0].family', 'fonts[0].weights']));
  });

  it('refuses unknown fields and a missing brandName', async () => {
    const response = await create(alice.apiKey, { colors: [], owner: 'someone' });
    expect(response.status).toBe(400);
    const fields = response.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['brandName', 'owner']));
  });

  it('keeps at most one default kit per user', async () => {
    const carol = await t.createUser();
    const first = (await create(carol.apiKey, { brandName: 'First' })).body;
    const second = (await create(carol.apiKey, { brandName: 'Second' })).body;
    expect(first.isDefault).toBe(true);
    expect(second.isDefault).toBe(false);

    const third = (await create(carol.apiKey, { brandName: 'Third', isDefault: true })).body;
    expect(third.isDefault).toBe(true);
    await t.request('PATCH', `/v1/brand-kits/${second.id}`, { key: carol.apiKey, body: { isDefault: true } });

    const kits = (await t.request('GET', '/v1/brand-kits', { key: carol.apiKey })).body.data as Array<{
      brandName: string;
      isDefault: boolean;
    }>;
    expect(kits.filter((kit) => kit.isDefault).map((kit) => kit.brandName)).toEqual(['Second']);
  });

  it('creates and re-points kits sent at once for one user, with exactly one default', async () => {
    // On PostgreSQL these once deadlocked: each create share-locked the user row, then wanted it whole.
    for (let round = 0; round < 5; round++) {
      const dave = await t.createUser();
      const created = await Promise.all(['A', 'B', 'C', 'D'].map((brandName) => create(dave.apiKey, { brandName })));
      expect(created.map((response) => response.status)).toEqual([201, 201, 201, 201]);
      expect(created.filter((response) => response.body.isDefault)).toHaveLength(1);
      const repointed = await Promise.all(
        created.map((response) =>
          t.request('PATCH', `/v1/brand-kits/${response.body.id}`, { key: dave.apiKey, body: { isDefault: true } }),
        ),
      );
      expect(repointed.map((response) => response.status)).toEqual([200, 200, 200, 200]);
      const kits = (await t.request('GET', '/v1/brand-kits', { key: dave.apiKey })).body.data as Array<{
        isDefault: boolean;
      }>;
      expect(kits.filter((kit) => kit.isDefault)).toHaveLength(1);
    }
  });
  it('pages through a list with cursors', async () => {
    const dave = await t.createUser();
    for (let index = 0; index < 5; index += 1) await create(dave.apiKey, { brandName: `Kit ${index}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await t.request('GET', `/v1/brand-kits${query}`, { key: dave.apiKey });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((kit: { brandName: string }) => kit.brandName));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Kit 4', 'Kit 3', 'Kit 2', 'Kit 1', 'Kit 0']);

    const bad = await t.request('GET', '/v1/brand-kits?cursor=nonsense', { key: dave.apiKey });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_cursor');
    expect((await t.request('GET', '/v1/brand-kits?limit=1000', { key: dave.apiKey })).status).toBe(400);
  });

  it('answers 409 when deleting a kit that avatars or products use', async () => {
    const kit = (await create(alice.apiKey, { brandName: 'In use' })).body;
    const prisma = t.database.client;
    const image = await prisma.storedObject.create({
      data: { userId: alice.id, key: `test/${kit.id}.webp`, contentType: 'image/webp', size: 1 },
    });
    await prisma.avatar.create({
      data: {
        userId: alice.id,
        brandKitId: kit.id,
        name: 'Model',
        imageObjectId: image.id,
        thumbnailObjectId: image.id,
        width: 1,
        height: 1,
      },
    });
    const response = await t.request('DELETE', `/v1/brand-kits/${kit.id}`, { key: alice.apiKey });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('resource_in_use');
    expect((await t.request('GET', `/v1/brand-kits/${kit.id}`, { key: alice.apiKey })).status).toBe(200);
  });
});
