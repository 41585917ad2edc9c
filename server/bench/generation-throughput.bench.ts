/**
 * Wall time of a 500-pose generation against a local provider that answers in 200 ms and serves at most
 * 16 requests at once (queueing the rest), divided by the ideal ceil(500/16) x 200 ms. Each run prints the
 * ratio, the provider's occupancy (mean busy seats over the batch, and the peak), the statements each slot
 * cost, the CPU the rendering processes spent per slot by thread, and how long the POST took.
 *
 * The server runs as it does in production, `node server/dist/main.js` (and `dist/worker.js`), so build
 * first; this process only makes the merchant beforehand, stands in for the provider and waits on the
 * generation's event stream.
 *
 * - Embedded lane: one process (PGlite, inline driver), GENERATION_CONCURRENCY=16 (the provider gate), with
 *   the quality gate off (the target) and on (POSE_DETECTOR=movenet, QUALITY_MAX_RENDERS=1, a secondary figure).
 * - Services lane (DATABASE_URL and REDIS_URL set): the same in one process with Bull, and then the API with
 *   RUN_WORKERS=false plus TWO worker processes, GENERATION_CONCURRENCY=8 each (the provider's 16 seats
 *   shared), quality gate off.
 *
 * Statements are counted below Prisma in the rendering processes, which preload
 * bench/support/count-statements.mjs (pg.Client#query, or the messages to the PGlite thread) and answer
 * over IPC: from the POST's answer to the end of the event stream, divided by the poses. That is everything
 * those processes sent meanwhile: the slots, the batched counts, the completion, the reconciliation and the
 * event stream's own reads; with worker processes, the API's are not counted. BENCH_SQL_LOG=<file> appends
 * every statement's text to that file. BENCH_CPU_PROF=<dir> writes a `node --cpu-prof` profile of each
 * server process. CPU per thread comes from /proc (Linux). Asserts nothing about time.
 *
 *   npm run build -w server && npm run bench -w server -- bench/generation-throughput.bench.ts
 *   # services: prefix DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createMerchant, readEventStream, type Merchant } from '../test/support/generation-fixtures.js';
import { laneName, servicesLane } from '../test/support/lanes.js';
import { createTestStorage, startTestApp, type TestStorage } from '../test/support/test-app.js';
import { COCO_FIXTURES_DIR, cocoFixturesPresent } from '../test/vision/coco-fixtures.js';
import { recordBenchResult, type BenchFigure } from './support/results.js';
import { cpuByThreadName, mergeThreadCpu, threadCpuSnapshot, type ThreadCpu } from './support/thread-cpu.js';

const POSES = 500;
const LATENCY_MS = 200;
const PROVIDER_SLOTS = 16;
const IDEAL_MS = Math.ceil(POSES / PROVIDER_SLOTS) * LATENCY_MS;
const WORKER_PROCESSES = 2;
const SERVER_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const API_ENTRY = path.join(SERVER_DIR, 'dist', 'main.js');
const WORKER_ENTRY = path.join(SERVER_DIR, 'dist', 'worker.js');
const COUNTER_PRELOAD = path.join(SERVER_DIR, 'bench', 'support', 'count-statements.mjs');
const COMMAND = 'npm run build -w server && npm run bench -w server -- bench/generation-throughput.bench.ts';

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
  /** CPU ms the server processes' threads used over the batch, per thread name. */
  cpuByThread: Array<[string, number]>;
}

/** Server processes rendering a batch: where the API answers, and what those processes have done so far. */
interface BatchServers {
  baseUrl: string;
  /** Statements the rendering processes have sent. */
  statements(): Promise<number>;
  /** CPU per thread of the rendering processes. */
  threads(): ThreadCpu;
}

async function request(baseUrl: string, method: string, urlPath: string, apiKey: string, body?: unknown) {
  const response = await fetch(baseUrl + urlPath, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/**
 * Posts the batch and waits for its final status on its event stream (which the server ends after the
 * `completed` event), so that no polling adds statements or work while the batch runs.
 */
async function runBatch(servers: BatchServers, merchant: Merchant, provider: Provider): Promise<BatchRun> {
  provider.reset();
  const beforePost = await servers.statements();
  const cpuBefore = servers.threads();
  const started = performance.now();
  const created = await request(servers.baseUrl, 'POST', '/v1/generations', merchant.apiKey, {
    ...BATCH,
    avatarId: merchant.avatarId,
    productId: merchant.productId,
  });
  const postMs = performance.now() - started;
  if (created.status !== 202) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
  const afterPost = await servers.statements();
  const id: string = created.body.id;
  const events = await readEventStream(`${servers.baseUrl}/v1/generations/${id}/events`, merchant.apiKey);
  const wallMs = performance.now() - started;
  if (!events.some((event) => event.event === 'completed')) throw new Error(`the event stream of ${id} ended early`);
  const cpuByThread = cpuByThreadName(cpuBefore, servers.threads());
  const slotStatements = ((await servers.statements()) - afterPost) / POSES;
  const generation = (await request(servers.baseUrl, 'GET', `/v1/generations/${id}`, merchant.apiKey)).body;
  if (!FINAL.has(generation.status)) throw new Error(`${id} is ${generation.status} after its completed event`);
  return {
    generation,
    postMs,
    wallMs,
    meanBusy: provider.meanBusy(wallMs),
    peakBusy: provider.peak(),
    postStatements: afterPost - beforePost,
    slotStatements,
    cpuByThread,
  };
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
      `  CPU of the rendering process(es) over the batch, per slot: ${cpuSummary(run)}`,
      ...extra,
      `  reproduce: ${COMMAND}\n`,
    ].join('\n'),
  );
}

function cpuSummary(run: BatchRun): string {
  const total = run.cpuByThread.reduce((sum, [, ms]) => sum + ms, 0);
  const perSlot = (ms: number) => `${(ms / POSES).toFixed(1)} ms`;
  return [
    `${perSlot(total)} in all`,
    ...run.cpuByThread.slice(0, 6).map(([name, ms]) => `${name} ${perSlot(ms)}`),
  ].join(', ');
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

interface ServerProcess {
  child: ChildProcess;
  /** The output's match of the ready pattern. */
  ready: RegExpExecArray;
}

/**
 * `node <entry>` from server/dist, with the statement counter preloaded (answering over IPC) and, with
 * BENCH_CPU_PROF, a CPU profile of its own; resolves once its output matches `readyWhen`.
 */
function startServerProcess(
  entry: string,
  name: string,
  env: Record<string, string>,
  readyWhen: RegExp,
): Promise<ServerProcess> {
  const profile = process.env.BENCH_CPU_PROF;
  const args = [
    '--import',
    COUNTER_PRELOAD,
    ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile, '--cpu-prof-name', `${name}.cpuprofile`] : []),
    entry,
  ];
  const child = spawn(process.execPath, args, {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: '0',
      ...(process.env.BENCH_SQL_LOG ? { BENCH_SQL_LOG: process.env.BENCH_SQL_LOG } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = readyWhen.exec(output);
      if (ready) resolve({ child, ready });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${output.slice(-2000)}`)));
  });
}

const API_READY = /listening on http:\/\/localhost:(\d+)/;
const WORKER_READY = /is processing generation slots/;

function statementsOf(child: ChildProcess): Promise<number> {
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

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The API at `baseUrl`, and the processes whose statements and CPU are the batch's. */
function rendering(baseUrl: string, children: ChildProcess[]): BatchServers {
  return {
    baseUrl,
    statements: async () => (await Promise.all(children.map(statementsOf))).reduce((sum, count) => sum + count, 0),
    threads: () => mergeThreadCpu(children.map((child) => threadCpuSnapshot(Number(child.pid)))),
  };
}

/**
 * The merchant is made by an app in this process on `storage`, closed again (so PGlite's files are free);
 * the batch then runs on server processes started on the same storage. The server's code so runs under
 * plain Node, as in production, and not under Jest's ESM module wrappers, where JS ran ~10x slower here.
 */
async function merchantOn(storage: TestStorage, env: Record<string, string>) {
  const setup = await startTestApp({ storage, env: { ...env, RUN_WORKERS: 'false' } });
  try {
    return { merchant: await createMerchant(setup), redisKeyPrefix: setup.config.redisKeyPrefix };
  } finally {
    await setup.close();
  }
}

function storageEnv(storage: TestStorage, redisKeyPrefix: string): Record<string, string> {
  return {
    DATA_DIR: storage.dataDir,
    ...(storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : {}),
    ...(servicesLane.redisUrl ? { REDIS_URL: servicesLane.redisUrl, REDIS_KEY_PREFIX: redisKeyPrefix } : {}),
  };
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
  beforeAll(() => {
    if (!existsSync(API_ENTRY)) throw new Error(`${API_ENTRY} is missing: run npm run build -w server first`);
  });

  for (const gate of GATES) {
    it(`renders ${POSES} poses in one process, ${gate.name}`, async () => {
      const { image, kind } = await providerImage();
      const provider = await startProvider(image);
      const storage = await createTestStorage();
      const env = { ...providerEnv(provider), GENERATION_CONCURRENCY: String(PROVIDER_SLOTS), ...gate.env };
      let server: ServerProcess | undefined;
      try {
        const { merchant, redisKeyPrefix } = await merchantOn(storage, env);
        const name = `${laneName}-${gate.label.replaceAll(/\W+/g, '-')}`;
        server = await startServerProcess(
          API_ENTRY,
          name,
          { ...env, ...storageEnv(storage, redisKeyPrefix) },
          API_READY,
        );
        const run = await runBatch(
          rendering(`http://127.0.0.1:${server.ready[1]}`, [server.child]),
          merchant,
          provider,
        );
        report(
          `${laneName} lane, one process (node dist/main.js, ${servicesLane.redisUrl ? 'Bull' : 'inline driver'}), GENERATION_CONCURRENCY=${PROVIDER_SLOTS}, ${gate.name}`,
          kind,
          run,
        );
        results.push(...figures(gate.label, run));
      } finally {
        if (server) await stopProcess(server.child);
        await storage.dispose();
        await provider.close();
      }
    }, 600_000);
  }

  const twoWorkers = servicesLane.databaseUrl && servicesLane.redisUrl ? it : it.skip;
  twoWorkers(
    `renders ${POSES} poses on ${WORKER_PROCESSES} worker processes (Bull), quality gate off`,
    async () => {
      const { image, kind } = await providerImage();
      const provider = await startProvider(image);
      const storage = await createTestStorage();
      const perWorker = PROVIDER_SLOTS / WORKER_PROCESSES;
      const env = { ...providerEnv(provider), POSE_DETECTOR: 'off', GENERATION_CONCURRENCY: String(perWorker) };
      const started: ServerProcess[] = [];
      try {
        const { merchant, redisKeyPrefix } = await merchantOn(storage, env);
        const processEnv = { ...env, ...storageEnv(storage, redisKeyPrefix) };
        const api = await startServerProcess(API_ENTRY, 'api', { ...processEnv, RUN_WORKERS: 'false' }, API_READY);
        started.push(api);
        for (let index = 0; index < WORKER_PROCESSES; index++) {
          started.push(await startServerProcess(WORKER_ENTRY, `worker-${index}`, processEnv, WORKER_READY));
        }
        const workers = started.slice(1).map(({ child }) => child);
        const run = await runBatch(rendering(`http://127.0.0.1:${api.ready[1]}`, workers), merchant, provider);
        report(
          `services lane, API (node dist/main.js, RUN_WORKERS=false) + ${WORKER_PROCESSES} worker processes (node dist/worker.js, Bull), GENERATION_CONCURRENCY=${perWorker} each, quality gate off`,
          kind,
          run,
          ['  statements and CPU counted in the worker processes, the API not included'],
        );
        results.push(...figures(`${WORKER_PROCESSES} worker processes, gate off`, run));
      } finally {
        await Promise.all(started.map(({ child }) => stopProcess(child)));
        await storage.dispose();
        await provider.close();
      }
    },
    600_000,
  );
});
