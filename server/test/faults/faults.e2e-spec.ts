import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import sharp from 'sharp';
import { ProviderTestServer, type Reply } from '../providers/provider-test-server.js';
import { servicesLane } from '../support/lanes.js';
import { createMerchant, type Merchant } from '../support/generation-fixtures.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/test-app.js';
import {
  API_ENTRY,
  createOwnDatabase,
  encodeForm,
  FAST_RECOVERY_ENV,
  figures,
  freePort,
  OwnRedis,
  sendFully,
  sharedEnv,
  sleep,
  startProcess,
  startWorker,
  stopProcess,
  untilAccepted,
  untilFinished,
  untilProgress,
  WORKER_ENTRY,
} from './fault-harness.js';

/** Every case must end within this; the figures say how long recovery actually took. */
const RECOVERY_DEADLINE_MS = 60_000;

/**
 * Faults need real processes, PostgreSQL and a Redis of the suite's own: the services lane only, and on its
 * own (FAULT_SUITE=1, a step of .ci/run), so its timings do not compete with the rest of the suite for CPU.
 */
const describeOnServices =
  process.env.FAULT_SUITE === '1' && servicesLane.databaseUrl && servicesLane.redisUrl ? describe : describe.skip;

describeOnServices('fault suite (services lane): nothing lost, nothing doubled', () => {
  let storage: Awaited<ReturnType<typeof createOwnDatabase>>;
  let redis: OwnRedis;
  let provider: ProviderTestServer;
  let t: TestApp;
  const children: ChildProcess[] = [];

  const spawnWorker = async (env: Record<string, string> = {}) => {
    const worker = env.GENERATION_PROVIDERS
      ? await startProcess(WORKER_ENTRY, { ...sharedEnv(t, storage, redis), ...env }, 'is processing generation slots')
      : await startWorker(t, storage, redis);
    children.push(worker);
    return worker;
  };

  const createBatch = async (merchant: Merchant, extra: Record<string, unknown> = {}, poses = 60) => {
    const created = await t.request('POST', '/v1/generations', {
      key: merchant.apiKey,
      body: {
        avatarId: merchant.avatarId,
        productId: merchant.productId,
        distribution: { 'fashion-standing': poses / 2, 'lifestyle-casual': poses / 2 },
        width: 256,
        height: 384,
        ...extra,
      },
    });
    expect(created.status).toBe(202);
    return created.body.id as string;
  };

  beforeAll(async () => {
    for (const entry of [API_ENTRY, WORKER_ENTRY]) {
      if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
    }
    storage = await createOwnDatabase();
    redis = await OwnRedis.start();
    provider = await ProviderTestServer.start();
    t = await startTestApp({
      storage,
      env: {
        ...FAST_RECOVERY_ENV,
        REDIS_URL: redis.url,
        RUN_WORKERS: 'false',
        GENERATION_PROVIDERS: 'local-preview,huggingface',
        HF_TOKEN: 'hf_test_token',
        HF_ENDPOINT_URL: `${provider.url}/controlnet`,
      },
    });
  });

  afterAll(async () => {
    for (const child of children) await stopProcess(child);
    await t?.close();
    await provider?.close();
    await redis?.stop();
    await storage?.dispose();
  });

  afterEach(async () => {
    for (const child of children.splice(0)) await stopProcess(child);
  });

  it('operations: the queue dashboard wants ADMIN_TOKEN; readiness fails while Redis is away and recovers', async () => {
    const anonymous = await t.request('GET', '/admin/queues');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    expect((await t.request('GET', '/admin/queues', { key: 'not-the-admin-token' })).status).toBe(401);
    expect((await t.request('GET', '/admin/queues', { key: ADMIN_TOKEN })).status).toBe(200);
    const basic = `Basic ${Buffer.from(`ops:${ADMIN_TOKEN}`).toString('base64')}`;
    const queues = await t.request('GET', '/admin/queues/api/queues', { headers: { authorization: basic } });
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((queue: { name: string }) => queue.name)).toContain('generation-slots');

    const readiness = async (wanted: number) => {
      const since = Date.now();
      for (;;) {
        const { status } = await t.request('GET', '/health/ready');
        if (status === wanted) return Date.now() - since;
        if (Date.now() - since > 20_000) throw new Error(`/health/ready stayed ${status}, wanted ${wanted}`);
        await sleep(100);
      }
    };
    await readiness(200);
    await redis.stop();
    const failedAfterMs = await readiness(503);
    await redis.startAgain();
    const recoveredAfterMs = await readiness(200);
    console.log(`readiness: 503 ${failedAfterMs} ms after Redis stopped, 200 ${recoveredAfterMs} ms after it was back`);
  });

  it('worker SIGKILL mid-batch: the other worker finishes every slot once', async () => {
    const merchant = await createMerchant(t);
    const [victim] = [await spawnWorker(), await spawnWorker()];
    const generationId = await createBatch(merchant);
    await untilProgress(t, generationId, 20);
    const faultAt = Date.now();
    await stopProcess(victim, 'SIGKILL');
    await untilFinished(t, merchant.userId, RECOVERY_DEADLINE_MS);
    const result = await figures(t, 'worker SIGKILL', merchant.userId, Date.now() - faultAt);
    expect(result).toMatchObject({ lost: 0, duplicated: 0, completions: 1, slotsTerminal: 60 });
  });

  it('Redis restarted empty mid-batch: reconciliation re-enqueues, no process restarts', async () => {
    const merchant = await createMerchant(t);
    const workers = [await spawnWorker(), await spawnWorker()];
    const generationId = await createBatch(merchant);
    await untilProgress(t, generationId, 20);
    const faultAt = Date.now();
    await redis.restartEmpty();
    const tookMs = await untilFinished(t, merchant.userId, RECOVERY_DEADLINE_MS);
    const result = await figures(t, 'Redis restarted empty', merchant.userId, Date.now() - faultAt);
    expect(workers.every((worker) => worker.exitCode === null)).toBe(true);
    expect(tookMs).toBeLessThan(RECOVERY_DEADLINE_MS);
    expect(result).toMatchObject({ lost: 0, duplicated: 0, completions: 1, slotsTerminal: 60 });
  });

  it('PostgreSQL connections terminated mid-batch: no 500 reaches a client', async () => {
    const merchant = await createMerchant(t);
    await spawnWorker();
    const generationId = await createBatch(merchant);
    const statuses: number[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const [one, list] = await Promise.all([
          t.request('GET', `/v1/generations/${generationId}`, { key: merchant.apiKey }),
          t.request('GET', '/v1/generations?limit=5', { key: merchant.apiKey }),
        ]);
        statuses.push(one.status, list.status);
        for (const answer of [one, list]) {
          if (answer.status === 503) expect(answer.headers.get('retry-after')).toBeTruthy();
        }
      }
    })();
    await untilProgress(t, generationId, 10);
    const faultAt = Date.now();
    let terminated = 0;
    for (let round = 0; round < 5; round++) {
      terminated += await storage.terminateConnections();
      await sleep(300);
    }
    await untilFinished(t, merchant.userId, RECOVERY_DEADLINE_MS);
    polling = false;
    await poll;
    const result = await figures(t, 'PostgreSQL terminated', merchant.userId, Date.now() - faultAt);
    const answered = statuses.reduce<Record<number, number>>(
      (counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }),
      {},
    );
    console.log(
      `PostgreSQL case: ${terminated} connections terminated; client answers by status ${JSON.stringify(answered)}`,
    );
    expect(terminated).toBeGreaterThan(0);
    expect(statuses.filter((status) => status >= 500 && status !== 503)).toEqual([]);
    expect(result).toMatchObject({ lost: 0, duplicated: 0, completions: 1, slotsTerminal: 60 });
  });

  it('provider answering 10% 503 with Retry-After, 5% 429 and 1% hangs: every slot terminal', async () => {
    const image = await sharp({ create: { width: 256, height: 384, channels: 3, background: '#806040' } })
      .png()
      .toBuffer();
    // Deterministic: the n-th call's fate comes from n, so a rerun sees the same mix.
    let calls = 0;
    provider.handle((): Reply => {
      const draw = (calls++ * 37) % 100;
      if (draw < 10) return { status: 503, headers: { 'retry-after': '1' }, body: { error: 'overloaded' } };
      if (draw < 15) return { status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate limited' } };
      if (draw < 16) return { hang: true };
      return { status: 200, headers: { 'content-type': 'image/png' }, body: image };
    });
    const merchant = await createMerchant(t);
    const huggingFaceOnly = {
      GENERATION_PROVIDERS: 'huggingface',
      HF_TOKEN: 'hf_test_token',
      HF_ENDPOINT_URL: `${provider.url}/controlnet`,
      PROVIDER_TIMEOUT_MS: '3000',
    };
    await spawnWorker(huggingFaceOnly);
    await spawnWorker(huggingFaceOnly);
    const startedAt = Date.now();
    const generationId = await createBatch(merchant, { provider: 'huggingface' }, 100);
    await untilFinished(t, merchant.userId, RECOVERY_DEADLINE_MS * 2);
    const result = await figures(t, 'provider faults', merchant.userId, Date.now() - startedAt);
    const slots = await t.database.client.generatedPose.findMany({ where: { generationId } });
    const failed = slots.filter((slot) => slot.status === 'failed');
    console.log(
      `provider case: ${calls} provider calls, ${slots.length - failed.length} of 100 slots succeeded; ` +
        `failed: ${JSON.stringify(failed.map((slot) => `${slot.failureCode}: ${slot.failureReason}`))}`,
    );
    expect(result).toMatchObject({ lost: 0, duplicated: 0, completions: 1, slotsTerminal: 100 });
  });

  it('webhook receiver down, then up: the completion arrives once its receiver is back', async () => {
    const port = await freePort();
    const webhookUrl = `http://127.0.0.1:${port}/hooks/lumiku`;
    const merchant = await createMerchant(t);
    await spawnWorker();
    await createBatch(merchant, { webhookUrl }, 20);
    await untilFinished(t, merchant.userId, RECOVERY_DEADLINE_MS);
    // The completion is being retried against a closed port; bring the receiver up after a few attempts.
    await sleep(2_500);
    const upAt = Date.now();
    const received: Array<{ id: string; type: string }> = [];
    const receiver: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string };
        received.push({ id: String(request.headers['webhook-id']), type: body.type });
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    try {
      while (received.length === 0 && Date.now() - upAt < RECOVERY_DEADLINE_MS) await sleep(100);
      await sleep(3_000); // a duplicate delivery, if any, would arrive in this window
      const ids = new Set(received.map((entry) => entry.id));
      const result = await figures(t, 'webhook receiver down then up', merchant.userId, Date.now() - upAt, ids);
      console.log(`webhook case: ${received.length} deliveries, ${ids.size} distinct webhook ids`);
      expect(received.filter((entry) => entry.type === 'generation.completed')).toHaveLength(1);
      expect(ids.size).toBe(1);
      expect(result).toMatchObject({ lost: 0, duplicated: 0, completions: 1 });
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('SIGTERM with 20 requests and a progress stream in flight: all answered, exit 0; retried creates make one generation each', async () => {
    const merchant = await createMerchant(t);
    await spawnWorker();
    const running = await createBatch(merchant, {}, 40);
    const apiPort = await freePort();
    const apiEnv = {
      ...sharedEnv(t, storage, redis),
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      RUN_WORKERS: 'false',
      ADMIN_TOKEN,
      SHUTDOWN_TIMEOUT_MS: '20000',
    };
    const api = await startProcess(API_ENTRY, apiEnv, 'is listening on');
    children.push(api);
    const base = `http://127.0.0.1:${apiPort}`;
    const auth = { authorization: `Bearer ${merchant.apiKey}` };
    const createBody = (index: number) =>
      JSON.stringify({
        avatarId: merchant.avatarId,
        productId: merchant.productId,
        distribution: { 'fashion-standing': 10 + index },
        width: 256,
        height: 384,
      });
    const keys = Array.from({ length: 8 }, (_, index) => `fault-sigterm-${index}-${merchant.userId}`);
    const create = (index: number) =>
      sendFully(
        `${base}/v1/generations`,
        'POST',
        { ...auth, 'content-type': 'application/json', 'idempotency-key': keys[index] },
        Buffer.from(createBody(index)),
      );
    const avatarImage = await sharp({ create: { width: 600, height: 900, channels: 3, background: '#c08a6a' } })
      .jpeg()
      .toBuffer();
    const avatarForm = async (index: number) => {
      const form = new FormData();
      form.append('brandKitId', merchant.brandKitId);
      form.append('name', `Model ${index}`);
      form.append('gender', 'female');
      form.append('ageRange', '25-34');
      form.append('file', new Blob([new Uint8Array(avatarImage)], { type: 'image/jpeg' }), 'model.jpg');
      return encodeForm(form);
    };
    const forms = await Promise.all(Array.from({ length: 6 }, (_, index) => avatarForm(index)));
    const inFlight = [
      ...keys.map((_, index) => create(index)),
      ...forms.map(({ body, contentType }) =>
        sendFully(`${base}/v1/avatars`, 'POST', { ...auth, 'content-type': contentType }, body),
      ),
      ...Array.from({ length: 6 }, () => sendFully(`${base}/v1/generations/${running}/archive`, 'GET', auth)),
      // An open progress stream never ends by itself: the drain must end it rather than wait out the timeout.
      sendFully(`${base}/v1/generations/${running}/events`, 'GET', auth),
    ];
    await Promise.all(inFlight.map((request) => request.sent));
    // Every request is the server's now (accepted, its head read a moment later), none still on its way.
    await untilAccepted(apiPort, inFlight);
    await sleep(30);
    const signalledAt = Date.now();
    api.kill('SIGTERM');
    const answers = await Promise.all(inFlight.map((request) => request.answered));
    const [exitCode] = (await once(api, 'exit')) as [number | null];
    const shutdownMs = Date.now() - signalledAt;
    const statuses = answers.map((answer) => answer.status);
    console.log(
      `SIGTERM case: answers ${JSON.stringify(statuses)}; exit code ${exitCode} after ${shutdownMs} ms; ` +
        `errors ${JSON.stringify(answers.flatMap((answer) => (answer.error ? [answer.error] : [])))}`,
    );
    expect(statuses.every((status) => status > 0 && status < 500)).toBe(true);
    expect(exitCode).toBe(0);

    // Retried against another API process: every create gives back the one generation it made.
    const retried = await Promise.all(
      keys.map((key, index) =>
        t.request('POST', '/v1/generations', {
          key: merchant.apiKey,
          headers: { 'idempotency-key': key },
          body: JSON.parse(createBody(index)) as unknown,
        }),
      ),
    );
    expect(retried.map((answer) => answer.status)).toEqual(keys.map(() => 202));
    const generations = await t.database.client.poseGeneration.findMany({
      where: { userId: merchant.userId, id: { not: running } },
      select: { id: true },
    });
    expect(generations).toHaveLength(keys.length);
    expect(new Set(retried.map((answer) => answer.body.id as string))).toEqual(new Set(generations.map((g) => g.id)));

    const finishedIn = await untilFinished(t, merchant.userId, RECOVERY_DEADLINE_MS);
    const result = await figures(t, 'SIGTERM in flight', merchant.userId, finishedIn);
    expect(result).toMatchObject({ lost: 0, duplicated: 0, completions: keys.length + 1 });
  });
});
