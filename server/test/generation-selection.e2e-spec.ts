import sharp from 'sharp';
import { ObjectStorage } from '../src/infra/storage/object-storage.js';
import { createMerchant, readEventStream, type Merchant } from './support/generation-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Template choice and prompts as a merchant sees them through the API: gender, mirrors, repeats, framing. */
describe('generation template selection and prompts (e2e)', () => {
  let t: TestApp;
  let merchant: Merchant;

  beforeAll(async () => {
    t = await startTestApp();
    // The merchant's avatar is female (support/generation-fixtures.ts).
    merchant = await createMerchant(t);
  });

  afterAll(() => t.close());

  const body = (overrides: object = {}) => ({
    avatarId: merchant.avatarId,
    productId: merchant.productId,
    width: 384,
    height: 512,
    ...overrides,
  });
  const post = (path: string, payload: unknown) => t.request('POST', path, { key: merchant.apiKey, body: payload });
  const slotsOf = (generationId: string) =>
    t.database.client.generatedPose.findMany({
      where: { generationId },
      orderBy: { slotIndex: 'asc' },
      select: { prompt: true, poseTemplate: { select: { id: true, gender: true, sourceRef: true, tags: true } } },
    });
  const categorySize = (category: string) =>
    t.database.client.poseTemplate.count({ where: { category, userId: null, isActive: true } });

  it('gives a female avatar no male template in a 20-pose batch, unless the request names another gender', async () => {
    const created = await post('/v1/generations', body({ distribution: { 'fashion-standing': 20 }, seed: 11 }));
    expect(created.status).toBe(202);
    const genders = new Set((await slotsOf(created.body.id)).map((slot) => slot.poseTemplate.gender));
    expect(genders.has('male')).toBe(false);
    expect(genders.has('female')).toBe(true);

    const forMen = await post(
      '/v1/generations',
      body({ distribution: { 'fashion-standing': 20 }, seed: 11, gender: 'male' }),
    );
    const menGenders = new Set((await slotsOf(forMen.body.id)).map((slot) => slot.poseTemplate.gender));
    expect(menGenders.has('female')).toBe(false);
    expect(menGenders.has('male')).toBe(true);
    expect((await post('/v1/generations/quote', body({ distribution: { x: 1 }, gender: 'robot' }))).status).toBe(400);
  });

  it('never puts a template and its mirror in one 20-pose batch from a category of 40 or more', async () => {
    for (const category of ['fashion-standing', 'skincare-holding', 'lifestyle-casual']) {
      expect(await categorySize(category)).toBeGreaterThanOrEqual(40);
      const created = await post('/v1/generations', body({ distribution: { [category]: 20 }, seed: 3 }));
      const refs = (await slotsOf(created.body.id)).map((slot) => slot.poseTemplate.sourceRef!);
      const twins = refs.filter((ref) => refs.includes(`${ref}/mirrored`));
      expect({ category, twins }).toEqual({ category, twins: [] });
    }
  });

  it('quotes the slots that must reuse a template when a category has fewer than asked', async () => {
    const none = await post('/v1/generations/quote', body({ distribution: { 'fashion-standing': 20 } }));
    expect(none.body.repeats).toBe(0);
    // kids-sitting is the library's smallest category.
    const available = await categorySize('kids-sitting');
    const short = await post('/v1/generations/quote', body({ distribution: { 'kids-sitting': available + 5 } }));
    expect(short.status).toBe(200);
    expect(short.body).toMatchObject({ totalPoses: available + 5, repeats: 5 });
  });

  it('exports keep the product and the face in frame in every format', async () => {
    const created = await post(
      '/v1/generations',
      body({ distribution: { 'fashion-standing': 1 }, width: 768, height: 1024 }),
    );
    await readEventStream(`${t.baseUrl}/v1/generations/${created.body.id}/events`, merchant.apiKey);
    const pose = await t.database.client.generatedPose.findFirstOrThrow({
      where: { generationId: created.body.id },
      select: { id: true, output: { select: { key: true } } },
    });
    // A hosted-looking render: grey, with the product (red) low on the right and a face (blue) at the top, where
    // the pose's productPlacement and detectedKeypoints say they are.
    const render = await sharp({ create: { width: 768, height: 1024, channels: 3, background: '#808080' } })
      .composite([
        { input: { create: { width: 92, height: 92, channels: 3, background: '#ff0000' } }, left: 544, top: 644 },
        { input: { create: { width: 40, height: 40, channels: 3, background: '#0000ff' } }, left: 364, top: 140 },
      ])
      .png()
      .toBuffer();
    await t.app.get(ObjectStorage).put(pose.output!.key, render, 'image/png');
    const face = (x: number, y: number) => ({ x: x / 768, y: y / 1024, c: 0.9 });
    const detectedKeypoints = Array.from({ length: 18 }, () => ({ x: 0, y: 0, c: 0 }));
    [detectedKeypoints[0], detectedKeypoints[14], detectedKeypoints[15]] = [
      face(384, 170),
      face(370, 158),
      face(398, 158),
    ];
    await t.database.client.generatedPose.update({
      where: { id: pose.id },
      data: {
        modelId: 'test/hosted-model',
        productPlacement: { x: 590 / 768, y: 690 / 1024, scale: 0.12, rotation: 0, source: 'detected' },
        detectedKeypoints,
      },
    });
    for (const format of ['instagram-post', 'instagram-story', 'facebook-post', 'whatsapp-status']) {
      const exported = await post(`/v1/generated-poses/${pose.id}/exports`, { format });
      expect(exported.status).toBe(201);
      const { data } = await sharp(Buffer.from(await (await fetch(exported.body.url)).arrayBuffer()))
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      let [red, blue] = [0, 0];
      for (let offset = 0; offset < data.length; offset += 3) {
        if (data[offset] > 200 && data[offset + 1] < 60 && data[offset + 2] < 60) red++;
        if (data[offset] < 60 && data[offset + 1] < 60 && data[offset + 2] > 200) blue++;
      }
      // Both squares whole, at the export's zoom (at least the 1200x630 banner's 0.6).
      expect({ format, product: red > 92 * 92 * 0.3, face: blue > 40 * 40 * 0.3 }).toEqual({
        format,
        product: true,
        face: true,
      });
    }
  });

  it('writes each slot its own framing and the brand colours in words', async () => {
    const waistUp = await t.database.client.poseTemplate.findFirstOrThrow({
      where: { userId: null, tags: { has: 'waist-up' } },
      select: { id: true },
    });
    const fullBody = await t.database.client.poseTemplate.findFirstOrThrow({
      where: { userId: null, tags: { has: 'full-body' } },
      select: { id: true },
    });
    const created = await post('/v1/generations', body({ poseTemplateIds: [waistUp.id, fullBody.id] }));
    expect(created.status).toBe(202);
    const [waistUpSlot, fullBodySlot] = await slotsOf(created.body.id);
    expect(waistUpSlot.prompt).toContain('from the waist up');
    expect(waistUpSlot.prompt).not.toMatch(/full body/i);
    expect(fullBodySlot.prompt).toContain('full body in frame');
    // The brand kit's #F4B6C2 and #1B1B1B, named.
    expect(waistUpSlot.prompt).toContain('blush pink and black colour palette');
    expect(created.body.basePrompt).not.toMatch(/#[0-9a-f]{6}|full body/i);
    const poses = await t.request('GET', `/v1/generations/${created.body.id}/poses`, { key: merchant.apiKey });
    expect(poses.body.data[0].prompt).not.toMatch(/full body/i);
  });
});
