import sharp from 'sharp';
import { solidImage, SVG_DOCUMENT } from './media/image-fixtures.js';
import { fetchWithoutKey, storedFiles, upload, type UploadFile } from './media/multipart-upload.js';
import { colorDistance, syntheticScenes, type SyntheticScene } from './media/synthetic-scenes.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const MEGABYTE = 1024 * 1024;

describe('products (e2e)', () => {
  let t: TestApp;
  let alice: { id: string; apiKey: string };
  let bob: { id: string; apiKey: string };
  let kitId: string;
  let scenes: SyntheticScene[];

  beforeAll(async () => {
    t = await startTestApp({ env: { MAX_PRODUCT_SIZE_MB: '2' } });
    alice = await t.createUser();
    bob = await t.createUser();
    kitId = (await t.request('POST', '/v1/brand-kits', { key: alice.apiKey, body: { brandName: 'Glow Lab' } })).body.id;
    scenes = await syntheticScenes();
  });
  afterAll(() => t.close());

  const photoOf = (scene: SyntheticScene): UploadFile => ({
    data: scene.photo,
    type: 'image/jpeg',
    filename: 'product.jpg',
  });
  const createProduct = (file: UploadFile, fields: Record<string, string> = {}, key = alice.apiKey) =>
    upload(t, 'POST', '/v1/products', key, { brandKitId: kitId, name: 'Serum', ...fields }, file);

  it.each([0, 1])('cuts a product out of a white or light-grey background (scene %i)', async (sceneIndex) => {
    const scene = scenes[sceneIndex];
    const created = await createProduct(photoOf(scene), {
      category: 'skincare',
      subcategory: 'serum',
      productType: 'bottle',
      placement: 'hand-right',
    });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Serum',
      category: 'skincare',
      subcategory: 'serum',
      productType: 'bottle',
      placement: 'hand-right',
      width: scene.width,
      height: scene.height,
      backgroundRemoval: { status: 'succeeded', method: 'local' },
    });
    expect(colorDistance(created.body.dominantColor, scene.objectColor)).toBeLessThan(24);

    const cutout = await fetchWithoutKey(created.body.cutoutUrl);
    expect(cutout).toMatchObject({ status: 200, type: 'image/png' });
    const { data, info } = await sharp(cutout.body).extractChannel(3).raw().toBuffer({ resolveWithObject: true });
    const { width, height } = info;
    expect([0, width - 1, (height - 1) * width, height * width - 1].map((index) => data[index])).toEqual([0, 0, 0, 0]);
    expect(data[Math.floor(height / 2) * width + Math.floor(width / 2)]).toBe(255);

    expect(await fetchWithoutKey(created.body.originalUrl)).toMatchObject({ status: 200, type: 'image/jpeg' });
    expect(await fetchWithoutKey(created.body.thumbnailUrl)).toMatchObject({ status: 200, type: 'image/webp' });
  });

  it('skips background removal on request, still giving the product colour', async () => {
    const scene = scenes[2];
    const created = await createProduct(photoOf(scene), { removeBackground: 'false' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ cutoutUrl: null, backgroundRemoval: { status: 'skipped', method: null } });
    expect(colorDistance(created.body.dominantColor, scene.objectColor)).toBeLessThan(24);
    expect((await createProduct(photoOf(scene), { removeBackground: 'maybe' })).status).toBe(400);
  });

  it('reports a failed removal when no background can be told apart, and keeps the product', async () => {
    const noise = await sharp({
      create: {
        width: 160,
        height: 120,
        channels: 3,
        background: '#000000',
        noise: { type: 'gaussian', mean: 128, sigma: 60 },
      },
    })
      .png()
      .toBuffer();
    const created = await createProduct({ data: noise, type: 'image/png', filename: 'noise.png' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ cutoutUrl: null, backgroundRemoval: { status: 'failed', method: 'local' } });
  });

  it('answers 413 one byte over MAX_PRODUCT_SIZE_MB and refuses an SVG, leaving nothing behind', async () => {
    const filesBefore = await storedFiles(t);
    const productsBefore = await t.database.client.product.count();
    const over = await createProduct({
      data: Buffer.alloc(2 * MEGABYTE + 1, 0xff),
      type: 'image/png',
      filename: 'big.png',
    });
    expect(over.status).toBe(413);
    expect(over.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const svg = await createProduct({ data: SVG_DOCUMENT, type: 'image/png', filename: 'product.png' });
    expect(svg.status).toBe(415);
    expect(await storedFiles(t)).toEqual(filesBefore);
    expect(await t.database.client.product.count()).toBe(productsBefore);
  });

  it('lists, patches and deletes products with their files', async () => {
    const carol = await t.createUser();
    const kit = (await t.request('POST', '/v1/brand-kits', { key: carol.apiKey, body: { brandName: 'C' } })).body.id;
    const otherKit = (await t.request('POST', '/v1/brand-kits', { key: carol.apiKey, body: { brandName: 'D' } })).body
      .id;
    for (const name of ['first', 'second']) {
      await upload(t, 'POST', '/v1/products', carol.apiKey, { brandKitId: kit, name }, photoOf(scenes[0]));
    }
    await upload(
      t,
      'POST',
      '/v1/products',
      carol.apiKey,
      { brandKitId: otherKit, name: 'elsewhere' },
      photoOf(scenes[0]),
    );
    const firstPage = await t.request('GET', `/v1/products?brandKitId=${kit}&limit=1`, { key: carol.apiKey });
    expect(firstPage.body.data.map((product: { name: string }) => product.name)).toEqual(['second']);
    const secondPage = await t.request(
      'GET',
      `/v1/products?brandKitId=${kit}&limit=1&cursor=${firstPage.body.nextCursor}`,
      {
        key: carol.apiKey,
      },
    );
    expect(secondPage.body).toMatchObject({ data: [{ name: 'first' }], nextCursor: null });

    const product = firstPage.body.data[0];
    const patched = await t.request('PATCH', `/v1/products/${product.id}`, {
      key: carol.apiKey,
      body: { placement: 'near-face', brandKitId: otherKit },
    });
    expect(patched.body).toMatchObject({ placement: 'near-face', brandKitId: otherKit, name: 'second' });

    const filesBefore = (await storedFiles(t)).length;
    expect((await t.request('DELETE', `/v1/products/${product.id}`, { key: carol.apiKey })).status).toBe(204);
    expect((await storedFiles(t)).length).toBe(filesBefore - 3);
    expect((await fetchWithoutKey(product.cutoutUrl)).status).toBe(404);
  });

  it("answers 404 for another user's product on every route", async () => {
    const product = (
      await createProduct(
        { data: await solidImage('png'), type: 'image/png', filename: 'a.png' },
        { removeBackground: 'false' },
      )
    ).body;
    for (const [method, body] of [['GET'], ['PATCH', { name: 'mine now' }], ['DELETE']] as const) {
      const response = await t.request(method, `/v1/products/${product.id}`, { key: bob.apiKey, body });
      expect({ method, status: response.status, code: response.body.code }).toEqual({
        method,
        status: 404,
        code: 'not_found',
      });
    }
    expect((await t.request('GET', '/v1/products?limit=100', { key: bob.apiKey })).body.data).toEqual([]);
    expect((await t.request('GET', `/v1/products/${product.id}`, { key: alice.apiKey })).status).toBe(200);
  });

  describe('brand kit logo', () => {
    it('stores a PNG logo with its transparency and replaces the previous one', async () => {
      const logo = await sharp({
        create: { width: 120, height: 60, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
      })
        .composite([
          { input: Buffer.from('<svg width="120" height="60"><circle cx="60" cy="30" r="25" fill="#e63946"/></svg>') },
        ])
        .png()
        .toBuffer();
      const first = await upload(
        t,
        'PUT',
        `/v1/brand-kits/${kitId}/logo`,
        alice.apiKey,
        {},
        { data: logo, type: 'image/png', filename: 'logo.png' },
      );
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ brandKitId: kitId, width: 120, height: 60 });
      const stored = await fetchWithoutKey(first.body.logoUrl);
      expect(stored.type).toBe('image/png');
      const { data } = await sharp(stored.body).raw().toBuffer({ resolveWithObject: true });
      expect([data[3], data[(30 * 120 + 60) * 4 + 3]]).toEqual([0, 255]);

      const second = await upload(
        t,
        'PUT',
        `/v1/brand-kits/${kitId}/logo`,
        alice.apiKey,
        {},
        { data: logo, type: 'image/png', filename: 'logo.png' },
      );
      expect(second.status).toBe(200);
      expect((await fetchWithoutKey(first.body.logoUrl)).status).toBe(404);
      expect((await fetchWithoutKey(second.body.logoUrl)).status).toBe(200);
    });

    it("refuses unsafe files and another user's kit", async () => {
      const svg = await upload(
        t,
        'PUT',
        `/v1/brand-kits/${kitId}/logo`,
        alice.apiKey,
        {},
        { data: SVG_DOCUMENT, type: 'image/png', filename: 'logo.png' },
      );
      expect(svg.status).toBe(415);
      const png = { data: await solidImage('png'), type: 'image/png', filename: 'logo.png' };
      expect((await upload(t, 'PUT', `/v1/brand-kits/${kitId}/logo`, bob.apiKey, {}, png)).status).toBe(404);
      expect((await upload(t, 'PUT', `/v1/brand-kits/${kitId}/logo`, alice.apiKey, { name: 'x' }, png)).status).toBe(
        400,
      );
    });
  });
});
