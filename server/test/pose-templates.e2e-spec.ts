import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { LIBRARY_FINGERPRINT_KEY } from '../src/pose-templates/pose-library.seeder.js';
import { POSE_FIXTURES_DIR, havePoseFixtures } from './pose-templates/pose-fixtures.js';
import { createTestStorage, startTestApp, type TestApp, type TestStorage } from './support/test-app.js';

/** A front-facing figure holding its right hand up at the chest, normalised to a 400x800 canvas. */
const HOLDING_POSE = [
  [200, 120],
  [200, 220],
  [135, 225],
  [110, 330],
  [185, 300],
  [265, 225],
  [285, 340],
  [290, 450],
  [165, 450],
  [160, 600],
  [158, 740],
  [235, 450],
  [240, 600],
  [242, 740],
  [188, 105],
  [212, 105],
  [172, 112],
  [228, 112],
].map(([x, y]) => ({ x: x / 400, y: y / 800, c: 1 }));
const CANVAS = { width: 400, height: 800 };

interface Template {
  id: string;
  category: string;
  useCase: string;
  shared: boolean;
  successRate: number;
  usageCount: number;
  [field: string]: unknown;
}

describe('pose templates (e2e)', () => {
  let storage: TestStorage;
  let t: TestApp;
  let alice: { id: string; apiKey: string };
  let bob: { id: string; apiKey: string };
  const datasetEnv: Record<string, string> = havePoseFixtures ? { POSE_DATASET_PATH: POSE_FIXTURES_DIR } : {};

  beforeAll(async () => {
    storage = await createTestStorage();
    t = await startTestApp({ storage, env: datasetEnv });
    alice = await t.createUser();
    bob = await t.createUser();
  });

  afterAll(async () => {
    await t.close();
    await storage.dispose();
  });

  const get = (key: string, url: string) => t.request('GET', url, { key });
  const createTemplate = (key: string, body: object = {}) =>
    t.request('POST', '/v1/pose-templates', {
      key,
      body: { name: 'Holding up', category: 'fashion-custom', keypoints: HOLDING_POSE, canvas: CANVAS, ...body },
    });

  async function importFiles(key: string, files: Array<[string, string | Buffer]>, fields: Record<string, string>) {
    const form = new FormData();
    for (const [name, content] of files) form.append('files', new Blob([content], { type: 'application/json' }), name);
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const response = await fetch(`${t.baseUrl}/v1/pose-templates/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('seeds at least 600 built-in templates over at least four use cases', async () => {
    const response = await get(alice.apiKey, '/v1/pose-templates/categories');
    expect(response.status).toBe(200);
    const categories = response.body.data as Array<{ category: string; useCase: string; count: number }>;
    const builtin = categories.filter((entry) => ['fashion', 'skincare', 'lifestyle', 'kids'].includes(entry.useCase));
    expect(builtin.reduce((sum, entry) => sum + entry.count, 0)).toBeGreaterThanOrEqual(600);
    expect(new Set(builtin.map((entry) => entry.useCase)).size).toBe(4);
    for (const entry of categories) expect(entry.category.startsWith(`${entry.useCase}-`)).toBe(true);
    expect(categories.map((entry) => entry.category)).toEqual(
      expect.arrayContaining([
        'fashion-standing',
        'fashion-walking',
        'fashion-sitting',
        'skincare-closeup',
        'skincare-application',
        'lifestyle-casual',
        'kids-playing',
      ]),
    );
  });

  it('filters by use-case prefix, exact category and the other fields, and pages with a cursor', async () => {
    const byUseCase = await get(alice.apiKey, '/v1/pose-templates?category=fashion&limit=100');
    expect(byUseCase.status).toBe(200);
    expect(byUseCase.body.data.every((template: Template) => template.useCase === 'fashion')).toBe(true);
    const exact = await get(
      alice.apiKey,
      '/v1/pose-templates?category=fashion-sitting&gender=female&difficulty=hard&limit=100',
    );
    for (const template of exact.body.data)
      expect(template).toMatchObject({ category: 'fashion-sitting', gender: 'female', difficulty: 'hard' });
    const tagged = await get(
      alice.apiKey,
      '/v1/pose-templates?tag=profile-view&productPlacement=worn&subcategory=profile',
    );
    expect(tagged.body.data.length).toBeGreaterThan(0);
    for (const template of tagged.body.data) {
      expect(template).toMatchObject({ subcategory: 'profile', productPlacement: 'worn' });
      expect(template.tags).toContain('profile-view');
      expect(template.keypoints).toHaveLength(18);
    }

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: Template[]; nextCursor: string | null } } = await get(
        alice.apiKey,
        `/v1/pose-templates?category=skincare&sort=successRate&limit=40${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.data.map((template) => template.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const total = (await get(alice.apiKey, '/v1/pose-templates/categories')).body.data
      .filter((entry: { useCase: string }) => entry.useCase === 'skincare')
      .reduce((sum: number, entry: { count: number }) => sum + entry.count, 0);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(total);
  });

  it('refuses unknown filters and values with problem+json', async () => {
    const response = await get(alice.apiKey, '/v1/pose-templates?difficulty=extreme&sort=name&colour=red');
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(
      expect.arrayContaining(['difficulty', 'sort', 'colour']),
    );
  });

  it("creates a user's own template, derives its placement, and keeps it from other users", async () => {
    const created = await createTemplate(alice.apiKey, { tags: ['studio'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      category: 'fashion-custom',
      useCase: 'fashion',
      shared: false,
      source: 'user',
      productPlacement: 'hand-right',
      gender: 'unisex',
    });
    const id = created.body.id as string;
    expect((await get(alice.apiKey, `/v1/pose-templates/${id}`)).body.keypoints).toEqual(
      HOLDING_POSE.map(({ x, y, c }) => ({ x: Math.round(x * 1e4) / 1e4, y: Math.round(y * 1e4) / 1e4, c })),
    );

    const attempts: Array<{ method: string; suffix?: string; body?: object }> = [
      { method: 'GET' },
      { method: 'PATCH', body: { name: 'x' } },
      { method: 'DELETE' },
      { method: 'GET', suffix: '/control-image' },
      { method: 'GET', suffix: '/similar' },
    ];
    for (const { method, suffix = '', body } of attempts) {
      const response = await t.request(method, `/v1/pose-templates/${id}${suffix}`, { key: bob.apiKey, body });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('not_found');
    }
    expect((await get(bob.apiKey, '/v1/pose-templates?category=fashion-custom')).body.data).toEqual([]);
    expect(
      (await get(alice.apiKey, '/v1/pose-templates?category=fashion-custom')).body.data.map(
        (template: Template) => template.id,
      ),
    ).toEqual([id]);

    const patched = await t.request('PATCH', `/v1/pose-templates/${id}`, {
      key: alice.apiKey,
      body: { name: 'Renamed', difficulty: 'hard' },
    });
    expect(patched.body).toMatchObject({ name: 'Renamed', difficulty: 'hard', productPlacement: 'hand-right' });
    expect((await t.request('DELETE', `/v1/pose-templates/${id}`, { key: alice.apiKey })).status).toBe(204);
    expect((await get(alice.apiKey, `/v1/pose-templates/${id}`)).status).toBe(404);
  });

  it('keeps the shared library read-only', async () => {
    const shared = (await get(alice.apiKey, '/v1/pose-templates?category=kids&limit=1')).body.data[0] as Template;
    expect(shared.shared).toBe(true);
    const patch = await t.request('PATCH', `/v1/pose-templates/${shared.id}`, {
      key: alice.apiKey,
      body: { name: 'Mine now' },
    });
    expect(patch.status).toBe(403);
    expect(patch.body.code).toBe('forbidden');
    expect((await t.request('DELETE', `/v1/pose-templates/${shared.id}`, { key: alice.apiKey })).status).toBe(403);
  });

  it('explains invalid keypoints', async () => {
    const short = await createTemplate(alice.apiKey, { keypoints: HOLDING_POSE.slice(1) });
    expect(short.status).toBe(400);
    expect(short.body.errors[0].field).toBe('keypoints');
    const faceOnly = HOLDING_POSE.map((keypoint, joint) =>
      joint >= 1 && joint <= 13 ? { x: 0, y: 0, c: 0 } : keypoint,
    );
    const tooLittle = await createTemplate(alice.apiKey, { keypoints: faceOnly });
    expect(tooLittle.status).toBe(400);
    expect(tooLittle.body.errors).toEqual([
      { field: 'keypoints', message: expect.stringMatching(/too few visible body joints/) },
    ]);
    const badCategory = await createTemplate(alice.apiKey, { category: 'Fashion Standing' });
    expect(badCategory.body.errors.map((error: { field: string }) => error.field)).toEqual(['category']);
  });

  it('imports pose files as the user own templates, one reason per refused file or person', async () => {
    const openPose = JSON.stringify({
      people: [
        { pose_keypoints_2d: HOLDING_POSE.flatMap(({ x, y }) => [x * 400, y * 800, 0.9]) },
        { pose_keypoints_2d: [1, 2, 3] },
      ],
      canvas_width: 400,
      canvas_height: 800,
    });
    const result = await importFiles(
      alice.apiKey,
      [
        ['pose.json', openPose],
        ['notes.json', 'not json'],
      ],
      { category: 'fashion-imported', tags: 'catalogue,spring' },
    );
    expect(result.status).toBe(200);
    expect(result.body.imported).toEqual([{ id: expect.any(String), file: 'pose.json', person: 0 }]);
    expect(result.body.rejected).toEqual([
      { file: 'pose.json', person: 1, reason: expect.stringContaining('joints') },
      { file: 'notes.json', person: null, reason: expect.stringMatching(/^not valid JSON/) },
    ]);
    const imported = await get(alice.apiKey, `/v1/pose-templates/${result.body.imported[0].id}`);
    expect(imported.body).toMatchObject({ source: 'import', shared: false, category: 'fashion-imported' });
    expect(imported.body.tags).toEqual(expect.arrayContaining(['catalogue', 'spring', 'openpose']));
    expect((await get(bob.apiKey, `/v1/pose-templates/${result.body.imported[0].id}`)).status).toBe(404);

    const noCategory = await importFiles(alice.apiKey, [['pose.json', openPose]], {});
    expect(noCategory.status).toBe(400);
    expect(noCategory.body.errors[0].field).toBe('category');
  });

  (havePoseFixtures ? it : it.skip)('imports the shared real pose files as their README says', async () => {
    const files = [
      'comfyui_ultimate_openpose_editor_GPL3/not_show/00108.json',
      'sd_webui_openpose_editor/bad.json',
      'coco_mmpose/test_coco.json',
    ];
    const result = await importFiles(
      alice.apiKey,
      files.map((file) => [path.basename(file), readFileSync(path.join(POSE_FIXTURES_DIR, file))]),
      { category: 'fashion-real' },
    );
    expect(result.body.imported).toHaveLength(1 + 12);
    expect(
      result.body.rejected.map((rejection: { file: string; person: number | null }) => [
        rejection.file,
        rejection.person,
      ]),
    ).toEqual([
      ['bad.json', null],
      ['test_coco.json', 1202706],
      ['test_coco.json', 508900],
    ]);
  });

  it('renders a cached PNG control image at the asked size, keeping the pose in proportion', async () => {
    const { id } = (await createTemplate(alice.apiKey)).body as Template;
    const response = await fetch(`${t.baseUrl}/v1/pose-templates/${id}/control-image?width=768&height=512`, {
      headers: { authorization: `Bearer ${alice.apiKey}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await response.arrayBuffer());
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([768, 512, 3]);
    expect([...data.subarray(0, 3)]).toEqual([0, 0, 0]);
    // The 400x800 canvas fits as 256x512 centred: the neck (200, 220) lands at (384, 141), drawn red-orange.
    const neck = (141 * 768 + 384) * 3;
    expect([...data.subarray(neck, neck + 3)]).toEqual([255, 85, 0]);

    const etag = response.headers.get('etag')!;
    const revalidated = await fetch(`${t.baseUrl}/v1/pose-templates/${id}/control-image?width=768&height=512`, {
      headers: { authorization: `Bearer ${alice.apiKey}`, 'if-none-match': etag },
    });
    expect(revalidated.status).toBe(304);
    const rounded = await fetch(
      `${t.baseUrl}/v1/pose-templates/${id}/control-image?width=500&roundToMultipleOf64=true`,
      {
        headers: { authorization: `Bearer ${alice.apiKey}` },
      },
    );
    const metadata = await sharp(Buffer.from(await rounded.arrayBuffer())).metadata();
    expect([metadata.width, metadata.height]).toEqual([512, 1024]);
  });

  it("gives each list item a controlImageUrl that answers the template's PNG", async () => {
    const list = (await get(alice.apiKey, '/v1/pose-templates?category=fashion-standing&limit=2')).body as {
      data: Template[];
    };
    expect(list.data).toHaveLength(2);
    for (const template of list.data) {
      expect(template.controlImageUrl).toBe(`/v1/pose-templates/${template.id}/control-image`);
      const image = await fetch(`${t.baseUrl}${String(template.controlImageUrl)}`, {
        headers: { authorization: `Bearer ${alice.apiKey}` },
      });
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
    }
  });

  it('ranks the mirror image of a pose first when mirror=true', async () => {
    const page = await get(
      alice.apiKey,
      '/v1/pose-templates?category=fashion-standing&subcategory=hand-on-hip&limit=100',
    );
    const mirrored = (page.body.data as Array<Template & { name: string }>).find((template) =>
      template.name.includes('mirrored'),
    )!;
    const original = (page.body.data as Array<Template & { name: string }>).find(
      (template) => template.name === mirrored.name.replace(', mirrored', ''),
    )!;
    const similar = await get(alice.apiKey, `/v1/pose-templates/${original.id}/similar?limit=5&mirror=true`);
    expect(similar.status).toBe(200);
    expect(similar.body.data).toHaveLength(5);
    expect(similar.body.data[0]).toMatchObject({ id: mirrored.id, distance: 0, mirrored: true });
    const distances = similar.body.data.map((entry: { distance: number }) => entry.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    const plain = await get(alice.apiKey, `/v1/pose-templates/${original.id}/similar?limit=5`);
    expect(plain.body.data.map((entry: Template) => entry.id)).not.toContain(mirrored.id);
  });

  it('re-seeds on a start with a changed library: unchanged rows kept with their statistics, edits undone, vanished ones retired', async () => {
    const before = (await get(alice.apiKey, '/v1/pose-templates/categories')).body.data;
    const [used, edited] = (await get(alice.apiKey, '/v1/pose-templates?category=kids&limit=2')).body
      .data as Template[];
    const templates = t.database.client.poseTemplate;
    await templates.update({ where: { id: used.id }, data: { usageCount: 7, successRate: 0.5 } });
    await templates.update({ where: { id: edited.id }, data: { name: 'Edited by hand' } });
    const vanished = await templates.create({
      data: {
        name: 'No longer generated',
        category: 'kids-playing',
        keypoints: HOLDING_POSE,
        canvasWidth: 400,
        canvasHeight: 800,
        source: 'builtin',
        sourceRef: 'builtin/kids-playing/removed-preset/unisex/yaw0/1',
      },
    });

    // A start whose library matches the stored fingerprint compares nothing; a forgotten one stands for a change.
    await t.database.client.serverState.delete({ where: { key: LIBRARY_FINGERPRINT_KEY } });
    await t.close();
    t = await startTestApp({ storage, env: datasetEnv });
    expect((await get(alice.apiKey, '/v1/pose-templates/categories')).body.data).toEqual(before);
    expect((await get(alice.apiKey, `/v1/pose-templates/${used.id}`)).body).toMatchObject({
      usageCount: 7,
      successRate: 0.5,
    });
    expect((await get(alice.apiKey, `/v1/pose-templates/${edited.id}`)).body.name).toBe(edited.name);
    expect((await get(alice.apiKey, `/v1/pose-templates/${vanished.id}`)).body.isActive).toBe(false);
  });

  (havePoseFixtures ? it : it.skip)('imports POSE_DATASET_PATH into the shared library at start', async () => {
    const categories = (await get(bob.apiKey, '/v1/pose-templates/categories')).body.data as Array<{
      category: string;
      useCase: string;
      count: number;
    }>;
    const dataset = categories.filter((entry) => entry.useCase === 'dataset');
    expect(dataset.reduce((sum, entry) => sum + entry.count, 0)).toBe(30);
    expect(dataset.map((entry) => entry.category)).toContain('dataset-coco-mmpose');
  });
});
