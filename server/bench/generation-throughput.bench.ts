/**
 * Wall time of a 500-pose generation against a local provider that answers in 200 ms and serves at most
 * 16 requests at once (queueing the rest), divided by the ideal ceil(500/16) x 200 ms. Each run prints the
 * ratio, the provider's occupancy (mean busy seats over the batch, and the peak), the statements each slot
 * cost, and how long the POST took.
 *
 * - Embedded lane: one process (PGlite, inline driver), GENERATION_CONCURRENCY=16 (the provider gate), with
 *   the quality gate off (the target) and on (POSE_DETECTOR=movenet, QUALITY_MAX_RENDERS=1, a secondary figure).
 * - Services lane (DATABASE_URL and REDIS_URL set): the same in one process with Bull, and then the API with
 *   RUN_WORKERS=false plus TWO worker processes (`node dist/worker.js`), GENERATION_CONCURRENCY=8 each (the
 *   provider's 16 seats shared), quality gate off. Build first: the workers run the compiled server.
 *
 * Statements are counted below Prisma, in the process that sends them (bench/support/statement-counter.ts:
 * pg.Client#query, or the messages to the PGlite thread;
 * the worker processes preload bench/support/count-statements.mjs and report over IPC), from the POST's
 * answer to the generation's final status, divided by the poses. The in-process lanes count everything the
 * process sent meanwhile (the slots, the batched counts, the completion, the reconciliation and the status
 * polls, which go through an in-process event wait instead on the embedded lane); with worker processes
 * only the workers' statements count, the API's polls not. BENCH_SQL_LOG=1 prints the POST's statements. Set BENCH_CPU_PROF=<dir> to write a
 * `node --cpu-prof` profile of each worker process
 * and an inspector profile of this process's main thread over each in-process batch. Asserts nothing about time.
 *
 *   npm run bench -w server -- bench/generation-throughput.bench.ts
 *   # services: npm run build -w server, then prefix
 *   # DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { GenerationEvents } from '../src/generations/generation-events.js';
import { createMerchant, type Merchant } from '../test/support/generation-fixtures.js';
import { laneName, servicesLane } from '../test/support/lanes.js';
import { createTestStorage, startTestApp, type TestApp } from '../test/support/test-app.js';
import { POSE_DETECTOR, type PoseDetector } from '../src/vision/pose-detector.js';
import { COCO_FIXTURES_DIR, cocoFixturesPresent } from '../test/vision/coco-fixtures.js';
import { recordBenchResult, type BenchFigure } from './support/results.js';
import { installStatementCounter, recordStatements, statementsSoFar } from './support/statement-counter.js';

const POSES = 500;
const LATENCY_MS = 200;
const PROVIDER_SLOTS = 16;
const IDEAL_MS = Math.ceil(POSES / PROVIDER_SLOTS) * LATENCY_MS;
const WORKER_PROCESSES = 2;
const SERVER_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORKER_ENTRY = path.join(SERVER_DIR, 'dist', 'worker.js');
const COUNTER_PRELOAD = path.join(SERVER_DIR, 'bench', 'support', 'count-statements.mjs');
const COMMAND = 'npm run bench -w server -- bench/generation-throughput.bench.ts';

installStatementCounter();

/**
 * A Hugging Face endpoint stand-in on 127.0.0.1: 200 ms per image, 16 at a time, the rest wait in line.
 * It integrates its busy seats over time, so occupancy is measured where it matters: at the provider.
 */
async function startProvider(image: Buffer) {
  let active = 0;
  let peak = 0;
  let busyArea = 0;
  let lastChange = performance.now();
  const waiting: Array<() => void> = [];
  const setActive = (next: number) => {
    const now = performance.now();
    busyArea += active * (now - lastChange);
    lastChange = now;
    active = next;
    peak = Math.max(peak, active);
  };
  const serve = (response: ServerResponse) => {
    setActive(active + 1);
    setTimeout(() => {
      response.end(image);
      setActive(active - 1);
      waiting.shift()?.();
    }, LATENCY_MS);
  };
  const server = createServer((request: IncomingMessage, response) => {
    request.resume();
    request.on('end', () => (active < PROVIDER_SLOTS ? serve(response) : waiting.push(() => serve(response))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/controlnet`,
    /** Starts a measurement window. */
    reset() {
      setActive(active);
      busyArea = 0;
      peak = active;
    },
    /** Mean busy seats since reset, over `windowMs`. */
    meanBusy(windowMs: number) {
      setActive(active);
      return busyArea / windowMs;
    },
    peak: () => peak,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
type Provider = Awaited<ReturnType<typeof startProvider>>;

/** A real photo of a person when the shared fixtures are there, so the detector sees what it would in production. */
async function providerImage(): Promise<{ image: Buffer; kind: string }> {
  if (cocoFixturesPresent) {
    return {
      image: await readFile(path.join(COCO_FIXTURES_DIR, '000000030752.jpg')),
      kind: 'a COCO photo of a person',
    };
  }
  const image = await sharp({ create: { width: 256, height: 384, channels: 3, background: '#806040' } })
    .png()
    .toBuffer();
  return { image, kind: 'a plain PNG (shared photos absent)' };
}

/** Seconds the detector needs for POSES detections of `image`, from the mean of a few, measured after the batch. */
async function detectorSecondsFor(t: TestApp, image: Buffer): Promise<number> {
  const detector = t.app.get<PoseDetector>(POSE_DETECTOR);
  const SAMPLES = 20;
  const started = performance.now();
  for (let index = 0; index < SAMPLES; index++) await detector.detect(image);
  return ((performance.now() - started) / SAMPLES / 1000) * POSES;
}

function providerEnv(provider: Provider): Record<string, string> {
  return { GENERATION_PROVIDERS: 'huggingface', HF_TOKEN: 'hf_bench', HF_ENDPOINT_URL: provider.url };
}

const BATCH = {
  distribution: {
    'fashion-standing': 150,
    'fashion-walking': 90,
    'fashion-sitting': 90,
    'lifestyle-casual': 90,
    'skincare-application': 80,
  },
  width: 256,
  height: 384,
  compositeProduct: false,
};

const FINAL = new Set(['completed', 'partial', 'failed', 'canceled']);

interface BatchRun {
  generation: any;
  postMs: number;
  wallMs: number;
  meanBusy: number;
  peakBusy: number;
  postStatements: number;
  slotStatements: number;
}

/**
 * Posts the batch and waits for its final status. `waitInProcess` waits on the app's own events (so no
 * polling statement is counted); otherwise the API is polled every 100 ms. `workerStatements` reads the
 * worker processes' counts, when they run elsewhere.
 */
async function runBatch(
  t: TestApp,
  merchant: Merchant,
  provider: Provider,
  options: { waitInProcess: boolean; workerStatements?: () => Promise<number> },
): Promise<BatchRun> {
  provider.reset();
  const workerStatementsBefore = (await options.workerStatements?.()) ?? 0;
  const beforePost = statementsSoFar();
  const postLog = process.env.BENCH_SQL_LOG ? recordStatements() : undefined;
  const started = performance.now();
  const created = await t.request('POST', '/v1/generations', {
    key: merchant.apiKey,
    body: { ...BATCH, avatarId: merchant.avatarId, productId: merchant.productId },
  });
  const postMs = performance.now() - started;
  const postStatementTexts = postLog?.stop();
  if (postStatementTexts) {
    process.stdout.write(
      `\nstatements of the POST:\n${postStatementTexts.map((text) => `  ${text.replaceAll(/\s+/g, ' ').slice(0, 160)}`).join('\n')}\n`,
    );
  }
  if (created.status !== 202) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
  const afterPost = statementsSoFar();
  const id: string = created.body.id;
  if (options.waitInProcess) {
    await new Promise<void>((resolve, reject) => {
      const events = t.app.get(GenerationEvents);
      let off: (() => Promise<void>) | undefined;
      events
        .subscribe(id, (event) => {
          if (event.type !== 'completed') return;
          void off?.();
          resolve();
        })
        .then((unsubscribe) => {
          off = unsubscribe;
        }, reject);
    });
  } else {
    let generation = created.body;
    while (!FINAL.has(generation.status)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      generation = (await t.request('GET', `/v1/generations/${id}`, { key: merchant.apiKey })).body;
    }
  }
  const wallMs = performance.now() - started;
  const inProcess = statementsSoFar() - afterPost;
  const workers = options.workerStatements ? (await options.workerStatements()) - workerStatementsBefore : 0;
  const generation = (await t.request('GET', `/v1/generations/${id}`, { key: merchant.apiKey })).body;
  return {
    generation,
    postMs,
    wallMs,
    meanBusy: provider.meanBusy(wallMs),
    peakBusy: provider.peak(),
    postStatements: afterPost - beforePost,
    slotStatements: (options.workerStatements ? workers : inProcess) / POSES,
  };
}

/** With BENCH_CPU_PROF=<dir>, a CPU profile of this process's main thread over `work`, written as <name>.cpuprofile. */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const directory = process.env.BENCH_CPU_PROF;
  if (!directory) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await mkdir(directory, { recursive: true });
    await writeFile(path.join(directory, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

function report(title: string, kind: string, run: BatchRun, extra: string[] = []): void {
  const { generation } = run;
  process.stdout.write(
    [
      `\ngeneration throughput, ${title}`,
      `  provider answers ${kind}; load average ${os
        .loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores`,
      `  ${generation.successfulPoses}/${POSES} succeeded, status ${generation.status}, avgQualityScore ${generation.avgQualityScore ?? 'null'}`,
      `  POST /v1/generations ${run.postMs.toFixed(0)} ms (${run.postStatements} statements)`,
      `  wall time ${(run.wallMs / 1000).toFixed(2)} s; ideal ceil(${POSES}/${PROVIDER_SLOTS}) x ${LATENCY_MS} ms = ${(IDEAL_MS / 1000).toFixed(2)} s`,
      `  ratio ${(run.wallMs / IDEAL_MS).toFixed(2)} (1.00 is ideal)`,
      `  provider occupancy: mean ${run.meanBusy.toFixed(1)} of ${PROVIDER_SLOTS} seats busy over the batch, peak ${run.peakBusy}`,
      `  SQL statements per slot ${run.slotStatements.toFixed(2)}`,
      ...extra,
      `  reproduce: ${COMMAND}\n`,
    ].join('\n'),
  );
}

function figures(label: string, run: BatchRun): BenchFigure[] {
  return [
    {
      name: `${label}: wall / ideal`,
      value: round(run.wallMs / IDEAL_MS),
      unit: 'ratio',
      target: { op: '<=', value: 1.1 },
    },
    { name: `${label}: wall time`, value: round(run.wallMs / 1000), unit: 's' },
    { name: `${label}: mean busy provider seats (of ${PROVIDER_SLOTS})`, value: round(run.meanBusy), unit: 'seats' },
    {
      name: `${label}: SQL statements per slot`,
      value: round(run.slotStatements),
      unit: 'statements',
      target: { op: '<=', value: 6 },
    },
    { name: `${label}: POST /v1/generations`, value: Math.round(run.postMs), unit: 'ms' },
  ];
}

const round = (value: number) => Math.round(value * 100) / 100;

/** One worker process on the API's database, Redis prefix and files; resolves once it takes slots. */
function startWorker(env: Record<string, string>, index: number): Promise<ChildProcess> {
  const profile = process.env.BENCH_CPU_PROF;
  const args = [
    '--import',
    COUNTER_PRELOAD,
    ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile, '--cpu-prof-name', `worker-${index}.cpuprofile`] : []),
    WORKER_ENTRY,
  ];
  const child = spawn(process.execPath, args, {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('is processing generation slots')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`worker ${index} exited with ${code}: ${output.slice(-2000)}`)));
  });
}

function workerStatements(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: { statements?: number }) => {
      if (typeof message?.statements !== 'number') return;
      child.off('message', onMessage);
      resolve(message.statements);
    };
    child.on('message', onMessage);
    child.send('statements');
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const results: BenchFigure[] = [];

afterAll(async () => {
  if (results.length === 0) return;
  const file = await recordBenchResult({
    bench: 'generation-throughput',
    lane: servicesLane.databaseUrl ? 'services' : 'embedded',
    command: COMMAND,
    figures: results,
  });
  process.stdout.write(`figures written to ${file}\n`);
});

/** The quality gate off (the target) and on; with it on, QUALITY_MAX_RENDERS=1 keeps the provider calls equal. */
const GATES: Array<{ name: string; label: string; env: Record<string, string> }> = [
  { name: 'quality gate off', label: 'one process, gate off', env: { POSE_DETECTOR: 'off' } },
  {
    name: 'quality gate on (scored, 1 render)',
    label: 'one process, gate on',
    env: { POSE_DETECTOR: 'movenet', QUALITY_MAX_RENDERS: '1' },
  },
];

describe(`generation throughput (${laneName})`, () => {
  for (const gate of GATES) {
    it(`renders ${POSES} poses in one process, ${gate.name}`, async () => {
      const { image, kind } = await providerImage();
      const provider = await startProvider(image);
      const t = await startTestApp({
        env: { ...providerEnv(provider), GENERATION_CONCURRENCY: String(PROVIDER_SLOTS), ...gate.env },
      });
      try {
        const merchant = await createMerchant(t);
        const run = await profiled(`${laneName}-${gate.label.replaceAll(/\W+/g, '-')}`, () =>
          runBatch(t, merchant, provider, { waitInProcess: true }),
        );
        const scored = gate.env.POSE_DETECTOR !== 'off';
        const detectorSeconds = scored ? await detectorSecondsFor(t, image) : undefined;
        const driver = t.config.redisUrl ? 'Bull' : 'inline driver';
        report(
          `${laneName} lane, one process (${driver}), GENERATION_CONCURRENCY=${PROVIDER_SLOTS}, job concurrency ${t.config.generation.jobConcurrency}, ${gate.name}`,
          kind,
          run,
          detectorSeconds === undefined
            ? []
            : [
                `  the detector alone, ${POSES} detections of this image one after another: ${detectorSeconds.toFixed(1)} s`,
              ],
        );
        results.push(...figures(gate.label, run));
      } finally {
        await t.close();
        await provider.close();
      }
    }, 600_000);
  }

  const twoWorkers = servicesLane.databaseUrl && servicesLane.redisUrl ? it : it.skip;
  twoWorkers(
    `renders ${POSES} poses on ${WORKER_PROCESSES} worker processes (Bull), quality gate off`,
    async () => {
      if (!existsSync(WORKER_ENTRY)) throw new Error(`${WORKER_ENTRY} is missing: run npm run build -w server first`);
      const { image, kind } = await providerImage();
      const provider = await startProvider(image);
      const storage = await createTestStorage();
      const perWorker = PROVIDER_SLOTS / WORKER_PROCESSES;
      const env = { ...providerEnv(provider), POSE_DETECTOR: 'off', GENERATION_CONCURRENCY: String(perWorker) };
      const t = await startTestApp({ storage, env: { ...env, RUN_WORKERS: 'false' } });
      const workers: ChildProcess[] = [];
      try {
        const workerEnv = {
          ...env,
          NODE_ENV: 'test',
          LOG_LEVEL: 'warn',
          DATA_DIR: storage.dataDir,
          DATABASE_URL: storage.databaseUrl!,
          REDIS_URL: servicesLane.redisUrl!,
          REDIS_KEY_PREFIX: t.config.redisKeyPrefix,
        };
        for (let index = 0; index < WORKER_PROCESSES; index++) workers.push(await startWorker(workerEnv, index));
        const merchant = await createMerchant(t);
        const run = await runBatch(t, merchant, provider, {
          waitInProcess: false,
          workerStatements: async () =>
            (await Promise.all(workers.map(workerStatements))).reduce((sum, count) => sum + count, 0),
        });
        report(
          `services lane, API (RUN_WORKERS=false) + ${WORKER_PROCESSES} worker processes (Bull), GENERATION_CONCURRENCY=${perWorker} each, quality gate off`,
          kind,
          run,
          ['  statements counted in the worker processes (pg.Client#query, preloaded), the API not included'],
        );
        results.push(...figures(`${WORKER_PROCESSES} worker processes, gate off`, run));
      } finally {
        await Promise.all(workers.map(stopWorker));
        await t.close();
        await storage.dispose();
        await provider.close();
      }
    },
    600_000,
  );
});
