import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { FileUrlSigner } from '../src/infra/storage/file-url-signer.js';
import {
  exifHasGps,
  HTML_DOCUMENT,
  pngDeclaringSize,
  sidewaysJpegWithGps,
  solidImage,
  SVG_DOCUMENT,
} from './media/image-fixtures.js';
import { fetchWithoutKey, storedFiles, upload, type UploadFile } from './media/multipart-upload.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const MEGABYTE = 1024 * 1024;

describe('avatars (e2e)', () => {
  let t: TestApp;
  let alice: { id: string; apiKey: string };
  let bob: { id: string; apiKey: string };
  let kitId: string;

  beforeAll(async () => {
    // Small limits keep the over-the-limit uploads quick; the rule is the same at 10 MB.
    t = await startTestApp({ env: { MAX_AVATAR_SIZE_MB: '1' } });
    alice = await t.createUser();
    bob = await t.createUser();
    kitId = (await t.request('POST', '/v1/brand-kits', { key: alice.apiKey, body: { brandName: 'Glow Lab' } })).body.id;
  });
  afterAll(() => t.close());

  const jpeg = async (): Promise<UploadFile> => ({
    data: await sidewaysJpegWithGps(),
    type: 'image/jpeg',
    filename: 'model.jpg',
  });
  const createAvatar = async (file: UploadFile, fields: Record<string, string> = {}, key = alice.apiKey) =>
    upload(t, 'POST', '/v1/avatars', key, { brandKitId: kitId, name: 'Ayu', ...fields }, file);

  it('stores an EXIF-rotated, GPS-tagged JPEG upright and without EXIF, with a thumbnail', async () => {
    const original = await sidewaysJpegWithGps();
    expect(exifHasGps((await sharp(original).metadata()).exif)).toBe(true);

    const created = await createAvatar(await jpeg(), {
      gender: 'female',
      ageRange: '25-34',
      style: 'casual',
      ethnicity: 'Javanese',
    });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      brandKitId: kitId,
      name: 'Ayu',
      gender: 'female',
      ageRange: '25-34',
      style: 'casual',
      ethnicity: 'Javanese',
      sourceType: 'upload',
      width: 100,
      height: 200,
    });
    const image = await fetchWithoutKey(created.body.imageUrl);
    expect(image).toMatchObject({ status: 200, type: 'image/jpeg' });
    const stored = await sharp(image.body).metadata();
    expect([stored.width, stored.height, stored.exif, stored.orientation]).toEqual([100, 200, undefined, undefined]);
    const { data } = await sharp(image.body).raw().toBuffer({ resolveWithObject: true });
    expect(data[(20 * 100 + 50) * 3]).toBeGreaterThan(200); // red on top: turned upright

    const thumbnail = await fetchWithoutKey(created.body.thumbnailUrl);
    expect(thumbnail).toMatchObject({ status: 200, type: 'image/webp' });
    const thumbnailMetadata = await sharp(thumbnail.body).metadata();
    expect([thumbnailMetadata.format, thumbnailMetadata.exif]).toEqual(['webp', undefined]);
    expect(Math.max(thumbnailMetadata.width, thumbnailMetadata.height)).toBeLessThanOrEqual(256);
  });

  it('reads optional fields left empty (as Swagger UI and HTML forms send them) as absent', async () => {
    const created = await createAvatar(await jpeg(), { gender: '', ageRange: '', style: '', ethnicity: '' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ gender: null, ageRange: null, style: null, ethnicity: null });
  });

  it('serves file URLs without the API key but not once expired or altered', async () => {
    const created = (await createAvatar(await jpeg())).body;
    const url = new URL(created.thumbnailUrl);
    expect(url.origin).toBe(t.baseUrl);
    expect(Number(url.searchParams.get('expires')) * 1000 - Date.now()).toBeGreaterThan(3500_000);

    const key = url.pathname.slice('/v1/files/'.length);
    const secret = Buffer.from((await readFile(path.join(t.config.dataDir, 'file-url-secret'), 'utf8')).trim());
    const anHourAgo = new FileUrlSigner(secret, () => Date.now() - 2 * 3600_000);
    const expired = await fetch(anHourAgo.signedUrl(t.baseUrl, key, 3600));
    expect(expired.status).toBe(403);
    expect(expired.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await expired.json()) as { detail: string }).detail).toMatch(/expired/);

    const laterExpiry = new URL(url);
    laterExpiry.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 86400));
    const otherFile = new URL(created.imageUrl);
    otherFile.search = url.search;
    const badSignature = new URL(url);
    badSignature.searchParams.set('signature', 'A'.repeat(43));
    const unsigned = new URL(url);
    unsigned.search = '';
    for (const altered of [laterExpiry, otherFile, badSignature, unsigned]) {
      const response = await fetch(altered);
      expect({ url: altered.toString(), status: response.status }).toEqual({ url: altered.toString(), status: 403 });
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  describe('refused uploads leave no file and no row', () => {
    let filesBefore: string[];
    let rowsBefore: { objects: number; avatars: number };
    const countRows = async () => ({
      objects: await t.database.client.storedObject.count(),
      avatars: await t.database.client.avatar.count(),
    });
    beforeEach(async () => {
      filesBefore = await storedFiles(t);
      rowsBefore = await countRows();
    });
    afterEach(async () => {
      expect(await storedFiles(t)).toEqual(filesBefore);
      expect(await countRows()).toEqual(rowsBefore);
    });

    it.each([
      [
        'an HTML page sent as image/png',
        415,
        () => Promise.resolve({ data: HTML_DOCUMENT, type: 'image/png', filename: 'photo.png' }),
      ],
      ['an SVG', 415, () => Promise.resolve({ data: SVG_DOCUMENT, type: 'image/svg+xml', filename: 'photo.svg' })],
      ['a GIF', 415, async () => ({ data: await solidImage('gif'), type: 'image/gif', filename: 'photo.gif' })],
      [
        'a 50000x50000 PNG of a few KB',
        422,
        () => Promise.resolve({ data: pngDeclaringSize(50_000, 50_000), type: 'image/png', filename: 'bomb.png' }),
      ],
    ])('refuses %s with %i problem+json within a second', async (_name, status, makeFile) => {
      const file = await makeFile();
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const response = await createAvatar(file);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MEGABYTE);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status, instance: '/v1/avatars' });
    });

    it('answers 413 one byte over MAX_AVATAR_SIZE_MB, and reads a file exactly at the limit', async () => {
      const over = await createAvatar({
        data: Buffer.alloc(MEGABYTE + 1, 0xff),
        type: 'image/jpeg',
        filename: 'big.jpg',
      });
      expect(over.status).toBe(413);
      expect(over.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(over.body).toMatchObject({ code: 'payload_too_large' });
      const atLimit = await createAvatar({
        data: Buffer.alloc(MEGABYTE, 0xff),
        type: 'image/jpeg',
        filename: 'junk.jpg',
      });
      expect(atLimit.status).toBe(415);
    });

    it('refuses a second file, a missing file, bad fields and JSON bodies', async () => {
      const form = new FormData();
      form.append('brandKitId', kitId);
      form.append('name', 'Two files');
      form.append('file', new Blob([new Uint8Array(await solidImage('png'))]), 'a.png');
      form.append('file', new Blob([new Uint8Array(await solidImage('png'))]), 'b.png');
      const twoFiles = await fetch(`${t.baseUrl}/v1/avatars`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.apiKey}` },
        body: form,
      });
      expect(twoFiles.status).toBe(400);

      const noFile = await upload(t, 'POST', '/v1/avatars', alice.apiKey, { brandKitId: kitId, name: 'x' }, undefined);
      expect(noFile.status).toBe(400);
      expect(noFile.body.errors).toEqual([{ field: 'file', message: 'file is required' }]);

      const png = { data: await solidImage('png'), type: 'image/png', filename: 'a.png' };
      const badFields = await createAvatar(png, { gender: 'robot', name: '', owner: 'mallory' });
      expect(badFields.status).toBe(400);
      expect(badFields.body.errors.map((error: { field: string }) => error.field)).toEqual(
        expect.arrayContaining(['gender', 'name', 'owner']),
      );

      const json = await t.request('POST', '/v1/avatars', {
        key: alice.apiKey,
        body: { brandKitId: kitId, name: 'x' },
      });
      expect(json.status).toBe(415);
    });

    it("refuses another user's brand kit with 404", async () => {
      const response = await createAvatar(
        { data: await solidImage('png'), type: 'image/png', filename: 'a.png' },
        {},
        bob.apiKey,
      );
      expect(response.status).toBe(404);
    });
  });

  it('lists by brand kit with cursor pagination, patches and deletes with the files', async () => {
    const carol = await t.createUser();
    const kits = await Promise.all(
      ['A', 'B'].map(
        async (brandName) =>
          (await t.request('POST', '/v1/brand-kits', { key: carol.apiKey, body: { brandName } })).body.id,
      ),
    );
    const png = { data: await solidImage('png'), type: 'image/png', filename: 'a.png' };
    for (const name of ['one', 'two', 'three']) {
      expect((await upload(t, 'POST', '/v1/avatars', carol.apiKey, { brandKitId: kits[0], name }, png)).status).toBe(
        201,
      );
    }
    await upload(t, 'POST', '/v1/avatars', carol.apiKey, { brandKitId: kits[1], name: 'other kit' }, png);

    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: { name: string }[]; nextCursor: string | null } } = await t.request(
        'GET',
        `/v1/avatars?brandKitId=${kits[0]}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { key: carol.apiKey },
      );
      expect(page.status).toBe(200);
      names.push(...page.body.data.map((avatar) => avatar.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(names).toEqual(['three', 'two', 'one']);
    expect((await t.request('GET', '/v1/avatars', { key: carol.apiKey })).body.data).toHaveLength(4);

    const [latest] = (await t.request('GET', '/v1/avatars?limit=1', { key: carol.apiKey })).body.data;
    const patched = await t.request('PATCH', `/v1/avatars/${latest.id}`, {
      key: carol.apiKey,
      body: { name: 'renamed', style: 'editorial', brandKitId: kits[0] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'renamed', style: 'editorial', brandKitId: kits[0] });
    expect(
      (await t.request('PATCH', `/v1/avatars/${latest.id}`, { key: carol.apiKey, body: { sourceType: 'stock' } }))
        .status,
    ).toBe(400);

    const filesBefore = (await storedFiles(t)).length;
    expect((await t.request('DELETE', `/v1/avatars/${latest.id}`, { key: carol.apiKey })).status).toBe(204);
    expect((await storedFiles(t)).length).toBe(filesBefore - 2);
    expect((await fetchWithoutKey(latest.imageUrl)).status).toBe(404);
    expect((await t.request('GET', `/v1/avatars/${latest.id}`, { key: carol.apiKey })).status).toBe(404);
  });

  it("answers 404 for another user's avatar on every route", async () => {
    const avatar = (await createAvatar({ data: await solidImage('png'), type: 'image/png', filename: 'a.png' })).body;
    const bobsKit = (await t.request('POST', '/v1/brand-kits', { key: bob.apiKey, body: { brandName: 'Bob' } })).body
      .id;
    for (const [method, body] of [
      ['GET'],
      ['PATCH', { name: 'mine now' }],
      ['PATCH', { brandKitId: bobsKit }],
      ['DELETE'],
    ] as const) {
      const response = await t.request(method, `/v1/avatars/${avatar.id}`, { key: bob.apiKey, body });
      expect({ method, status: response.status, code: response.body.code }).toEqual({
        method,
        status: 404,
        code: 'not_found',
      });
    }
    const bobsList = await t.request('GET', `/v1/avatars?brandKitId=${kitId}&limit=100`, { key: bob.apiKey });
    expect(bobsList.body.data).toEqual([]);
    expect((await t.request('GET', `/v1/avatars/${avatar.id}`, { key: alice.apiKey })).body.name).toBe('Ayu');
  });
});
