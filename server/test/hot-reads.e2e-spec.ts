/**
 * Hot reads served without the database: ETags and 304s, tenant isolation of cached lists, and how fast a
 * revoked key or a template change reaches every API process. On the services lane two app instances share
 * one database and one Redis; on the embedded lane (one process per DATA_DIR) both roles are one instance.
 */
import { laneName } from './support/lanes.js';
import { createTestStorage, startTestApp, type TestApp, type TestStorage } from './support/test-app.js';

/** Long TTLs: within these tests only the event bus (or the writing process itself) can make a change show. */
const LONG_TTLS = { API_KEY_CACHE_TTL: '10m', POSE_TEMPLATE_CACHE_TTL: '10m' };
/** The bound these tests hold the bus to: well under the TTL backstops, generous for a loaded CI machine. */
const BUS_BOUND_MS = 3_000;

const LIST = '/v1/pose-templates?category=fashion&limit=50';

/** Asks until `done` holds or the bound passes; returns how long it took, or throws. */
async function within<T>(boundMs: number, ask: () => Promise<T>, done: (answer: T) => boolean): Promise<number> {
  const started = Date.now();
  for (;;) {
    const answer = await ask();
    if (done(answer)) return Date.now() - started;
    if (Date.now() - started > boundMs) throw new Error(`not within ${boundMs} ms: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe(`hot reads (e2e, ${laneName} lane)`, () => {
  let storage: TestStorage;
  let writer: TestApp;
  /** The other API process on the services lane; the same one on the embedded lane. */
  let reader: TestApp;
  let alice: { id: string; apiKey: string };
  let bob: { id: string; apiKey: string };
  let pose: { keypoints: unknown; canvas: unknown };

  beforeAll(async () => {
    storage = await createTestStorage();
    writer = await startTestApp({ storage, env: LONG_TTLS });
    reader = laneName === 'services' ? await startTestApp({ storage, env: LONG_TTLS }) : writer;
    alice = await writer.createUser();
    bob = await writer.createUser();
    const standing = await writer.request('GET', '/v1/pose-templates?category=fashion-standing&limit=1', {
      key: alice.apiKey,
    });
    pose = { keypoints: standing.body.data[0].keypoints, canvas: standing.body.data[0].canvas };
  });

  afterAll(async () => {
    if (reader !== writer) await reader?.close();
    await writer?.close();
    await storage?.dispose();
  });

  const createTemplate = (app: TestApp, key: string, name: string) =>
    app.request('POST', '/v1/pose-templates', { key, body: { name, category: 'fashion-own', ...pose } });
  const names = (answer: { body: { data: Array<{ name: string }> } }) => answer.body.data.map((item) => item.name);

  it('answers lists and single templates with an ETag, and 304 without a body when it still matches', async () => {
    const first = await reader.request('GET', LIST, { key: alice.apiKey });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect(first.body.data).toHaveLength(50);

    const again = await reader.request('GET', LIST, { key: alice.apiKey, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    const weak = await reader.request('GET', LIST, {
      key: alice.apiKey,
      headers: { 'if-none-match': `"other", W/${etag}` },
    });
    expect(weak.status).toBe(304);
    const stale = await reader.request('GET', LIST, { key: alice.apiKey, headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
    expect(stale.body).toEqual(first.body);

    const id = first.body.data[0].id as string;
    const one = await reader.request('GET', `/v1/pose-templates/${id}`, { key: alice.apiKey });
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(id);
    const oneEtag = one.headers.get('etag')!;
    expect(oneEtag).toMatch(/^"/);
    const notModified = await reader.request('GET', `/v1/pose-templates/${id}`, {
      key: alice.apiKey,
      headers: { 'if-none-match': oneEtag },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBe('');
  });

  it("never answers one tenant from another's cached page, and shows a tenant its own change at once", async () => {
    const bobBefore = await reader.request('GET', LIST, { key: bob.apiKey });
    const aliceBefore = await writer.request('GET', LIST, { key: alice.apiKey });
    expect(bobBefore.headers.get('etag')).toBe(aliceBefore.headers.get('etag'));

    const created = await createTemplate(writer, alice.apiKey, 'Alice only');
    expect(created.status).toBe(201);
    const aliceAfter = await writer.request('GET', LIST, { key: alice.apiKey });
    expect(names(aliceAfter)).toContain('Alice only');
    expect(aliceAfter.headers.get('etag')).not.toBe(aliceBefore.headers.get('etag'));
    // Revalidating with the old ETag gets the new page, not a 304.
    const revalidated = await writer.request('GET', LIST, {
      key: alice.apiKey,
      headers: { 'if-none-match': aliceBefore.headers.get('etag')! },
    });
    expect(revalidated.status).toBe(200);

    for (const app of new Set([writer, reader])) {
      const bobAfter = await app.request('GET', LIST, { key: bob.apiKey });
      expect(names(bobAfter)).not.toContain('Alice only');
      expect(bobAfter.headers.get('etag')).toBe(bobBefore.headers.get('etag'));
      const bobsCopy = await app.request('GET', `/v1/pose-templates/${created.body.id}`, { key: bob.apiKey });
      expect(bobsCopy.status).toBe(404);
    }
  });

  it('shows a create, an update, a delete and an import in the other process within the bound', async () => {
    const warm = await reader.request('GET', LIST, { key: alice.apiKey });
    expect(warm.status).toBe(200);
    const created = await createTemplate(writer, alice.apiKey, 'Made elsewhere');
    expect(created.status).toBe(201);
    await within(
      BUS_BOUND_MS,
      () => reader.request('GET', LIST, { key: alice.apiKey }),
      (answer) => names(answer).includes('Made elsewhere'),
    );

    const renamed = await writer.request('PATCH', `/v1/pose-templates/${created.body.id}`, {
      key: alice.apiKey,
      body: { name: 'Renamed elsewhere' },
    });
    expect(renamed.status).toBe(200);
    await within(
      BUS_BOUND_MS,
      () => reader.request('GET', LIST, { key: alice.apiKey }),
      (answer) => names(answer).includes('Renamed elsewhere') && !names(answer).includes('Made elsewhere'),
    );

    expect(
      (await writer.request('DELETE', `/v1/pose-templates/${created.body.id}`, { key: alice.apiKey })).status,
    ).toBe(204);
    await within(
      BUS_BOUND_MS,
      () => reader.request('GET', LIST, { key: alice.apiKey }),
      (answer) => !names(answer).includes('Renamed elsewhere'),
    );

    const form = new FormData();
    form.append('category', 'fashion-imported');
    const file = JSON.stringify(openPoseFrame(pose));
    form.append('files', new Blob([file], { type: 'application/json' }), 'hero.json');
    const imported = await fetch(`${writer.baseUrl}/v1/pose-templates/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.apiKey}` },
      body: form,
    });
    expect(imported.status).toBe(200);
    expect(((await imported.json()) as { imported: unknown[] }).imported).toHaveLength(1);
    await within(
      BUS_BOUND_MS,
      () => reader.request('GET', LIST, { key: alice.apiKey }),
      (answer) => names(answer).some((name) => name.startsWith('hero.json')),
    );
  });

  it('answers 401 for a revoked key on every process within the bound', async () => {
    const minted = await writer.request('POST', '/v1/api-keys', { key: alice.apiKey, body: { name: 'short-lived' } });
    expect(minted.status).toBe(201);
    const secret = minted.body.secret as string;
    // Both processes have checked the key, so both hold it in their cache.
    for (const app of new Set([writer, reader]))
      expect((await app.request('GET', LIST, { key: secret })).status).toBe(200);

    expect((await writer.request('DELETE', `/v1/api-keys/${minted.body.id}`, { key: alice.apiKey })).status).toBe(200);
    // The revoking process refuses it at once.
    expect((await writer.request('GET', LIST, { key: secret })).status).toBe(401);
    const took = await within(
      BUS_BOUND_MS,
      () => reader.request('GET', LIST, { key: secret }),
      (answer) => answer.status === 401,
    );
    expect(took).toBeLessThanOrEqual(BUS_BOUND_MS);
    // And keeps refusing it: nothing cached it again.
    expect((await reader.request('GET', '/v1/brand-kits', { key: secret })).status).toBe(401);
  });
});

/** A pose as an OpenPose frame: pixel [x, y, c, ...] triplets on its canvas. */
function openPoseFrame(pose: { keypoints: unknown; canvas: unknown }) {
  const { width, height } = pose.canvas as { width: number; height: number };
  const triplets = (pose.keypoints as Array<{ x: number; y: number; c: number }>).flatMap((point) => [
    point.x * width,
    point.y * height,
    point.c,
  ]);
  return { canvas_width: width, canvas_height: height, people: [{ pose_keypoints_2d: triplets }] };
}

describe(`usage counters in cached lists (e2e, ${laneName} lane)`, () => {
  const TTL_MS = 3_000;
  let t: TestApp;
  let user: { id: string; apiKey: string };

  beforeAll(async () => {
    t = await startTestApp({ env: { POSE_TEMPLATE_CACHE_TTL: `${TTL_MS}ms` } });
    user = await t.createUser();
  });

  afterAll(() => t?.close());

  it('serves counters a finished generation rewrote after POSE_TEMPLATE_CACHE_TTL at most', async () => {
    const first = await t.request('GET', LIST, { key: user.apiKey });
    const template = first.body.data[0] as { id: string; usageCount: number };
    // What recordTemplateOutcomes does after a generation: counters move, no change is announced.
    await t.database.client.poseTemplate.update({
      where: { id: template.id },
      data: { usageCount: { increment: 7 }, successRate: 0.5 },
    });
    const cached = await t.request('GET', LIST, { key: user.apiKey });
    expect(cached.headers.get('etag')).toBe(first.headers.get('etag'));
    const took = await within(
      TTL_MS + BUS_BOUND_MS,
      () => t.request('GET', LIST, { key: user.apiKey }),
      (answer) => answer.body.data[0].usageCount === template.usageCount + 7,
    );
    expect(took).toBeLessThanOrEqual(TTL_MS + BUS_BOUND_MS);
    const fresh = await t.request('GET', LIST, { key: user.apiKey });
    expect(fresh.headers.get('etag')).not.toBe(first.headers.get('etag'));
  });
});
