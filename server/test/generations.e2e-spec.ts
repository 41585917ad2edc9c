import { createMerchant, readEventStream, type Merchant } from './support/generation-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { zipEntry, zipEntryNames } from './support/zip.js';

describe('generations (e2e)', () => {
  let t: TestApp;
  let merchant: Merchant;

  beforeAll(async () => {
    t = await startTestApp();
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
  const post = (path: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.request('POST', path, { key: merchant.apiKey, body: payload, headers });

  it('completes a 100-pose batch over three categories: distinct templates, a progress stream to 100, a ZIP of 100', async () => {
    const distribution = { 'fashion-standing': 50, 'fashion-walking': 30, 'fashion-sitting': 20 };
    const created = await post('/v1/generations', body({ distribution, seed: 7, prompt: { extra: 'soft light' } }));
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({
      status: 'pending',
      totalPoses: 100,
      progress: 0,
      provider: 'local-preview',
      modelId: 'lumiku/local-preview-compositor-v1',
    });
    expect(created.body.basePrompt).toContain('Hydra Serum');
    expect(created.body.basePrompt).toContain('soft light');

    const events = await readEventStream(`${t.baseUrl}/v1/generations/${created.body.id}/events`, merchant.apiKey);
    const progress = events.filter((event) => event.event === 'progress').map((event) => event.data.progress);
    expect(Math.max(...progress)).toBe(100);
    expect(events.at(-1)).toMatchObject({ event: 'completed', data: { status: 'completed', successfulPoses: 100 } });

    const generation = (await t.request('GET', `/v1/generations/${created.body.id}`, { key: merchant.apiKey })).body;
    expect(generation).toMatchObject({ status: 'completed', progress: 100, successfulPoses: 100, failedPoses: 0 });
    expect(generation.completedAt).not.toBeNull();
    expect(generation.creditUsed).toBe(100);

    const poses = [];
    for (let cursor = ''; ;) {
      const page = await t.request('GET', `/v1/generations/${created.body.id}/poses?limit=100${cursor}`, {
        key: merchant.apiKey,
      });
      poses.push(...page.body.data);
      if (!page.body.nextCursor) break;
      cursor = `&cursor=${page.body.nextCursor}`;
    }
    expect(poses).toHaveLength(100);
    expect(poses.every((pose) => pose.status === 'succeeded' && pose.outputUrl && pose.isPreview)).toBe(true);
    expect(new Set(poses.map((pose) => pose.seed)).size).toBe(100);
    const templates = await t.database.client.poseTemplate.findMany({
      where: { id: { in: poses.map((pose) => pose.poseTemplateId) } },
      select: { id: true, category: true },
    });
    const categoryOf = new Map(templates.map((template) => [template.id, template.category]));
    for (const [category, count] of Object.entries(distribution)) {
      const inCategory = poses.filter((pose) => categoryOf.get(pose.poseTemplateId) === category);
      expect(inCategory).toHaveLength(count);
      expect(new Set(inCategory.map((pose) => pose.poseTemplateId)).size).toBe(count);
    }

    const image = await fetch(poses[0].outputUrl);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toMatch(/^image\//);

    const archive = await fetch(`${t.baseUrl}/v1/generations/${created.body.id}/archive`, {
      headers: { authorization: `Bearer ${merchant.apiKey}` },
    });
    expect(archive.status).toBe(200);
    expect(archive.headers.get('content-type')).toBe('application/zip');
    const zip = Buffer.from(await archive.arrayBuffer());
    const names = zipEntryNames(zip);
    expect(names).toHaveLength(101);
    expect(new Set(names).size).toBe(101);
    const manifest = JSON.parse(zipEntry(zip, 'manifest.json').toString('utf8'));
    expect(manifest.generationId).toBe(created.body.id);
    expect(manifest.poses).toHaveLength(100);
    expect(manifest.poses.map((entry: { file: string }) => entry.file).sort()).toEqual(
      names.filter((name) => name !== 'manifest.json').sort(),
    );
    expect(manifest.poses[0]).toMatchObject({
      slot: 0,
      template: { id: expect.any(String), name: expect.any(String) },
      category: expect.any(String),
      prompt: expect.stringContaining('Hydra Serum'),
      seed: expect.any(Number),
      provider: 'local-preview',
      model: expect.any(String),
      qualityScore: null,
    });

    const usage = await t.database.client.poseTemplate.findMany({
      where: { id: { in: [...categoryOf.keys()] } },
      select: { usageCount: true },
    });
    expect(usage.every((template) => template.usageCount >= 1)).toBe(true);
    const completedEvents = await t.database.client.webhookEvent.count({
      where: { userId: merchant.userId, type: 'generation.completed' },
    });
    expect(completedEvents).toBe(1);
  });

  it('exports a pose to a social format and counts it', async () => {
    const created = await post('/v1/generations', body({ distribution: { 'fashion-standing': 1 } }));
    await readEventStream(`${t.baseUrl}/v1/generations/${created.body.id}/events`, merchant.apiKey);
    const [pose] = (await t.request('GET', `/v1/generations/${created.body.id}/poses`, { key: merchant.apiKey })).body
      .data;
    const exported = await post(`/v1/generated-poses/${pose.id}/exports`, { format: 'facebook-post' });
    expect(exported.status).toBe(201);
    expect(exported.body).toMatchObject({ format: 'facebook-post', width: 1200, height: 630 });
    const file = await fetch(exported.body.url);
    expect(file.status).toBe(200);
    const rated = await t.request('PATCH', `/v1/generated-poses/${pose.id}`, {
      key: merchant.apiKey,
      body: { userRating: 5 },
    });
    expect(rated.body).toMatchObject({ userRating: 5, exportCount: 1 });
    expect((await post(`/v1/generated-poses/${pose.id}/exports`, { format: 'poster' })).status).toBe(400);
  });

  it('creates one generation for 20 concurrent requests with the same Idempotency-Key', async () => {
    const before = await t.database.client.poseGeneration.count({ where: { userId: merchant.userId } });
    const payload = body({ distribution: { 'lifestyle-casual': 3 } });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post('/v1/generations', payload, { 'idempotency-key': 'order-42' })),
    );
    const after = await t.database.client.poseGeneration.count({ where: { userId: merchant.userId } });
    expect(after - before).toBe(1);
    const accepted = answers.filter((answer) => answer.status === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(accepted.map((answer) => answer.body.id)).size).toBe(1);
    expect(answers.every((answer) => answer.status === 202 || answer.status === 409)).toBe(true);

    const replay = await post('/v1/generations', payload, { 'idempotency-key': 'order-42' });
    expect(replay.status).toBe(202);
    expect(replay.body.id).toBe(accepted[0].body.id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    const reused = await post('/v1/generations', body({ distribution: { 'lifestyle-casual': 4 } }), {
      'idempotency-key': 'order-42',
    });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
  });

  it('takes explicit templates, repeats included, and refuses ones the user cannot see', async () => {
    const listed = await t.request('GET', '/v1/pose-templates?category=skincare&limit=2', { key: merchant.apiKey });
    const [first, second] = listed.body.data.map((template: { id: string }) => template.id);
    const created = await post('/v1/generations', body({ poseTemplateIds: [first, second, first] }));
    expect(created.status).toBe(202);
    expect(created.body.totalPoses).toBe(3);
    const slots = await t.database.client.generatedPose.findMany({
      where: { generationId: created.body.id },
      orderBy: { slotIndex: 'asc' },
    });
    expect(slots.map((slot) => slot.poseTemplateId)).toEqual([first, second, first]);

    const own = await post('/v1/pose-templates', {
      name: 'Mine',
      category: 'fashion-standing',
      keypoints: listed.body.data[0].keypoints,
      canvas: listed.body.data[0].canvas,
    });
    expect(own.status).toBe(201);
    const stranger = await createMerchant(t);
    const foreign = await t.request('POST', '/v1/generations', {
      key: stranger.apiKey,
      body: { avatarId: stranger.avatarId, productId: stranger.productId, poseTemplateIds: [own.body.id] },
    });
    expect(foreign.status).toBe(404);
  });

  it('quotes without creating anything', async () => {
    const before = await t.database.client.poseGeneration.count();
    const quote = await post('/v1/generations/quote', body({ distribution: { 'fashion-standing': 10, kids: 6 } }));
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({ totalPoses: 16, credits: 16, provider: 'local-preview' });
    expect(quote.body.slotsByCategory).toEqual({ 'fashion-standing': 10, kids: 6 });
    expect(quote.body.estimatedSeconds).toBeGreaterThan(0);
    expect(await t.database.client.poseGeneration.count()).toBe(before);
  });

  it('refuses bad batches with clear problems', async () => {
    const tooMany = await post('/v1/generations', body({ distribution: { 'fashion-standing': 501 } }));
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.code).toBe('too_many_poses');

    const unknown = await post(
      '/v1/generations',
      body({ distribution: { 'fashion-standing': 1, 'space-floating': 2 } }),
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('unknown_category');
    expect(unknown.body.detail).toContain('space-floating');

    expect((await post('/v1/generations', body())).status).toBe(400);
    expect((await post('/v1/generations', body({ distribution: { 'fashion-standing': 0 } }))).body.code).toBe(
      'validation_failed',
    );

    const stranger = await createMerchant(t);
    const foreign = await post('/v1/generations', {
      ...body({ distribution: { 'fashion-standing': 1 } }),
      avatarId: stranger.avatarId,
    });
    expect(foreign.status).toBe(404);
    const created = await post('/v1/generations', body({ distribution: { 'fashion-standing': 1 } }));
    const peek = await t.request('GET', `/v1/generations/${created.body.id}`, { key: stranger.apiKey });
    expect(peek.status).toBe(404);
  });

  it('answers 402 when the batch would exceed the credit quota', async () => {
    const tight = await createMerchant(t);
    await t.database.client.user.update({ where: { id: tight.userId }, data: { creditQuota: 5 } });
    const response = await t.request('POST', '/v1/generations', {
      key: tight.apiKey,
      body: { avatarId: tight.avatarId, productId: tight.productId, distribution: { 'fashion-standing': 6 } },
    });
    expect(response.status).toBe(402);
    expect(response.body.code).toBe('insufficient_credits');
  });

  it('holds the credits of unfinished batches, so batches sent together cannot pass the quota', async () => {
    const tight = await createMerchant(t);
    await t.database.client.user.update({ where: { id: tight.userId }, data: { creditQuota: 10 } });
    const batch = { avatarId: tight.avatarId, productId: tight.productId, distribution: { 'fashion-standing': 4 } };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => t.request('POST', '/v1/generations', { key: tight.apiKey, body: batch })),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    // 4 + 4 fit in 10; a third batch of 4 could pass it while the first two are unfinished.
    expect(statuses).toEqual([202, 202, 402, 402, 402]);
    expect(answers.find((answer) => answer.status === 402)!.body.code).toBe('insufficient_credits');

    for (const answer of answers.filter((created) => created.status === 202)) {
      await readEventStream(`${t.baseUrl}/v1/generations/${answer.body.id}/events`, tight.apiKey);
    }
    const spent = await t.database.client.user.findUniqueOrThrow({ where: { id: tight.userId } });
    expect(spent.creditsUsed).toBe(8);
    // Once they are counted, only what they cost stays spent: 2 credits are left.
    const again = await t.request('POST', '/v1/generations', { key: tight.apiKey, body: batch });
    expect(again.status).toBe(402);
    expect(again.body.detail).toContain('2 of your 10 remain');
    const small = { ...batch, distribution: { 'fashion-standing': 2 } };
    expect((await t.request('POST', '/v1/generations', { key: tight.apiKey, body: small })).status).toBe(202);
  });

  it('cancels pending slots and keeps the finished ones', async () => {
    const created = await post('/v1/generations', body({ distribution: { 'fashion-walking': 60 } }));
    const canceled = await post(`/v1/generations/${created.body.id}/cancel`, {});
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('canceled');
    const events = await readEventStream(`${t.baseUrl}/v1/generations/${created.body.id}/events`, merchant.apiKey);
    const last = events.at(-1)!;
    expect(last.event).toBe('completed');
    expect(last.data.successfulPoses + last.data.failedPoses + last.data.canceledPoses).toBe(60);
    expect(last.data.canceledPoses).toBeGreaterThan(0);
    expect((await post(`/v1/generations/${created.body.id}/cancel`, {})).status).toBe(409);
    expect((await post(`/v1/generations/${created.body.id}/retry`, {})).status).toBe(409);
  });

  it('groups generations in projects and filters the list', async () => {
    const project = await post('/v1/projects', { name: 'Spring campaign', brandKitId: merchant.brandKitId });
    expect(project.status).toBe(201);
    expect(project.body).toMatchObject({ name: 'Spring campaign', brandKitId: merchant.brandKitId, description: null });
    const renamed = await t.request('PATCH', `/v1/projects/${project.body.id}`, {
      key: merchant.apiKey,
      body: { description: 'Serum launch' },
    });
    expect(renamed.body).toMatchObject({ name: 'Spring campaign', description: 'Serum launch' });

    const created = await post('/v1/generations', body({ projectId: project.body.id, distribution: { kids: 2 } }));
    expect(created.status).toBe(202);
    expect(created.body.projectId).toBe(project.body.id);
    const listed = await t.request('GET', `/v1/generations?projectId=${project.body.id}`, { key: merchant.apiKey });
    expect(listed.body.data.map((generation: { id: string }) => generation.id)).toEqual([created.body.id]);
    const canceledOnes = await t.request('GET', '/v1/generations?status=canceled&limit=100', { key: merchant.apiKey });
    expect(canceledOnes.body.data.every((generation: { status: string }) => generation.status === 'canceled')).toBe(
      true,
    );

    const stranger = await t.createUser();
    for (const [method, path] of [
      ['GET', `/v1/projects/${project.body.id}`],
      ['DELETE', `/v1/projects/${project.body.id}`],
      ['GET', `/v1/generations/${created.body.id}/poses`],
      ['GET', `/v1/generations/${created.body.id}/events`],
      ['GET', `/v1/generations/${created.body.id}/archive`],
      ['POST', `/v1/generations/${created.body.id}/cancel`],
    ] as const) {
      expect((await t.request(method, path, { key: stranger.apiKey })).status).toBe(404);
    }
    expect((await post('/v1/generations', body({ projectId: stranger.id, distribution: { kids: 1 } }))).status).toBe(
      404,
    );

    expect((await t.request('DELETE', `/v1/projects/${project.body.id}`, { key: merchant.apiKey })).status).toBe(204);
    const orphan = await t.request('GET', `/v1/generations/${created.body.id}`, { key: merchant.apiKey });
    expect(orphan.body.projectId).toBeNull();
  });
});
