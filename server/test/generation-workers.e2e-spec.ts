import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { SERVER_ROOT } from '../src/infra/database/schema-engine.js';
import { laneName, servicesLane } from './support/lanes.js';
import { createMerchant, readEventStream } from './support/generation-fixtures.js';
import { createTestStorage, startTestApp, type TestApp, type TestStorage } from './support/test-app.js';

const WORKER_ENTRY = path.join(SERVER_ROOT, 'dist/worker.js');
const LOCK_MS = '4000';

/** A real `worker.ts` process (the built one, as `npm run worker` runs it). */
function startWorker(t: TestApp, storage: TestStorage): ChildProcess {
  const worker = spawn(process.execPath, [WORKER_ENTRY], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATA_DIR: storage.dataDir,
      DATABASE_URL: storage.databaseUrl,
      REDIS_URL: servicesLane.redisUrl,
      REDIS_KEY_PREFIX: t.config.redisKeyPrefix,
      GENERATION_CONCURRENCY: '4',
      QUEUE_LOCK_DURATION_MS: LOCK_MS,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return worker;
}

/** Resolves once the worker says it is ready; its output is read to the end, so its pipe never closes early. */
function workerReady(worker: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    worker.stdout!.on('data', (chunk: Buffer) => {
      output += String(chunk);
      if (output.includes('is processing generation slots')) resolve();
    });
    worker.once('exit', () => reject(new Error(`worker exited before it was ready: ${output}`)));
  });
}

// Bull needs Redis: this runs on the services lane, against the built worker.
const describeWithRedis = servicesLane.redisUrl && servicesLane.databaseUrl ? describe : describe.skip;

describeWithRedis(`worker processes on Bull (${laneName} lane, e2e)`, () => {
  let storage: TestStorage;
  let t: TestApp;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(WORKER_ENTRY)) throw new Error(`${WORKER_ENTRY} is missing: run \`npm run build\` first`);
    storage = await createTestStorage();
    t = await startTestApp({ storage, env: { RUN_WORKERS: 'false', QUEUE_LOCK_DURATION_MS: LOCK_MS } });
  });

  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    await t.close();
    await storage.dispose();
  });

  it('finishes a 200-pose generation exactly once after one of two workers is killed mid-batch', async () => {
    const merchant = await createMerchant(t);
    workers.push(startWorker(t, storage), startWorker(t, storage));
    await Promise.all(workers.map(workerReady));

    const created = await t.request('POST', '/v1/generations', {
      key: merchant.apiKey,
      body: {
        avatarId: merchant.avatarId,
        productId: merchant.productId,
        distribution: { 'fashion-standing': 100, 'lifestyle-casual': 100 },
        width: 256,
        height: 384,
      },
    });
    expect(created.status).toBe(202);

    const victim = workers[0];
    for (;;) {
      const generation = (await t.request('GET', `/v1/generations/${created.body.id}`, { key: merchant.apiKey })).body;
      if (generation.progress >= 15) break;
      if (generation.status !== 'pending' && generation.status !== 'processing') throw new Error('finished too early');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    victim.kill('SIGKILL');
    await once(victim, 'exit');

    const events = await readEventStream(`${t.baseUrl}/v1/generations/${created.body.id}/events`, merchant.apiKey);
    expect(events.at(-1)).toMatchObject({ event: 'completed', data: { status: 'completed', successfulPoses: 200 } });

    const slots = await t.database.client.generatedPose.findMany({ where: { generationId: created.body.id } });
    expect(slots).toHaveLength(200);
    expect(slots.every((slot) => slot.status === 'succeeded' && slot.outputObjectId)).toBe(true);
    expect(new Set(slots.map((slot) => slot.outputObjectId)).size).toBe(200);
    const outputs = await t.database.client.storedObject.count({
      where: { userId: merchant.userId, key: { contains: '-output.' } },
    });
    expect(outputs).toBe(200);
    const completions = await t.database.client.webhookEvent.count({
      where: { userId: merchant.userId, type: 'generation.completed' },
    });
    expect(completions).toBe(1);

    // SIGTERM: Nest's shutdown hooks close the queue (waiting for running jobs), then re-raise the signal.
    const survivor = workers[1];
    survivor.kill('SIGTERM');
    const [code, signal] = (await once(survivor, 'exit')) as [number | null, NodeJS.Signals | null];
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
  });
});
