/**
 * Hot reads under load, beside a bare Node `http` server that answers the same JSON (JSON.stringify per
 * request, from memory) on the same machine in the same run:
 *   - GET /v1/pose-templates?category=fashion&limit=50 (the shared library and the caller's own templates)
 *   - GET /v1/generations/{id} for one real generation created and completed through the API
 * autocannon runs in a child process (50 connections, 8 s rounds after a 2 s warm-up, two alternating rounds
 * per target, the best kept) so the load generator does not share the server's event loop. Prints req/s, p50, p99 and the ratio to the bare
 * server; asserts nothing about time.
 *
 * The app runs with the defaults a user gets (LOG_LEVEL=info, so the per-request line is sampled as in
 * production), except RATE_LIMIT_REQUESTS, raised so the bench measures serving rather than 429s.
 *
 *   npm run bench -w server -- bench/list-throughput.bench.ts
 *   # services lane: prefix DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { createRequire } from 'node:module';
import { recordBenchResult, type BenchFigure } from './support/results.js';
import { createMerchant, readEventStream } from '../test/support/generation-fixtures.js';
import { laneName } from '../test/support/lanes.js';
import { startTestApp, type TestApp } from '../test/support/test-app.js';

const CONNECTIONS = 50;
const DURATION_S = 8;
const WARM_UP_S = 2;
const ROUNDS = 2;
const LIST_PATH = '/v1/pose-templates?category=fashion&limit=50';
const COMMAND = 'npm run bench -w server -- bench/list-throughput.bench.ts';
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

interface Load {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Answers that were not 2xx, and connection errors or timeouts: a run with either is not a valid figure. */
  non2xx: number;
  errors: number;
  kilobytes: number;
  /** This process's CPU time (all threads) per answer during the round: robust to other load on the machine. */
  cpuMicrosPerAnswer: number;
}

/** Runs autocannon in its own process and reads its JSON summary. */
function autocannon(url: string, seconds: number, headers: Record<string, string>): Promise<Load> {
  const cpuBefore = process.cpuUsage();
  const args = [AUTOCANNON, '--json', '-c', String(CONNECTIONS), '-d', String(seconds)];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err}`));
      const result = JSON.parse(out) as {
        requests: { average: number; total: number };
        latency: { p50: number; p99: number };
        throughput: { average: number };
        non2xx: number;
        errors: number;
        timeouts: number;
      };
      resolve({
        requestsPerSecond: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        kilobytes: result.throughput.average / result.requests.average / 1024,
        cpuMicrosPerAnswer: cpuMicros(process.cpuUsage(cpuBefore)) / Math.max(1, result.requests.total),
      });
    });
  });
}

/**
 * The app and its bare twin, measured in alternating rounds (bare, app, bare, app), each after a warm-up;
 * the best round of each is kept, so a burst of other work on a shared machine skews neither side alone.
 */
const cpuMicros = (usage: NodeJS.CpuUsage) => usage.user + usage.system;

async function measurePair(
  bareBody: unknown,
  appUrl: string,
  headers: Record<string, string>,
): Promise<{ bare: Load; app: Load }> {
  const bare = await startBareServer(bareBody);
  const best = { bare: undefined as Load | undefined, app: undefined as Load | undefined };
  const keep = (side: 'bare' | 'app', load: Load) => {
    if (!best[side] || load.requestsPerSecond > best[side].requestsPerSecond) best[side] = load;
  };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      await autocannon(bare.url, WARM_UP_S, {});
      keep('bare', await autocannon(bare.url, DURATION_S, {}));
      await autocannon(appUrl, WARM_UP_S, headers);
      keep('app', await autocannon(appUrl, DURATION_S, headers));
    }
  } finally {
    await bare.close();
  }
  return { bare: best.bare!, app: best.app! };
}

/** The baseline: what Node alone does serialising the same object per request. */
async function startBareServer(body: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

const loadAverage = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

function line(name: string, load: Load, bare?: Load): string {
  const ratio = bare
    ? `  ratio to bare ${(load.requestsPerSecond / bare.requestsPerSecond).toFixed(2)} ` +
      `(by CPU per answer ${(bare.cpuMicrosPerAnswer / load.cpuMicrosPerAnswer).toFixed(2)})`
    : '';
  const invalid = load.non2xx || load.errors ? `  (INVALID: ${load.non2xx} non-2xx, ${load.errors} errors)` : '';
  return (
    `  ${name.padEnd(34)} ${load.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${load.p50} ms  p99 ` +
    `${load.p99} ms  ${load.kilobytes.toFixed(1)} KB/answer  CPU ${load.cpuMicrosPerAnswer.toFixed(0)} µs/answer` +
    `${ratio}${invalid}`
  );
}

describe('hot read throughput', () => {
  let t: TestApp;
  let apiKey: string;
  let generationId: string;

  beforeAll(async () => {
    t = await startTestApp({
      env: { LOG_LEVEL: 'info', RATE_LIMIT_REQUESTS: '1000000' },
    });
    const merchant = await createMerchant(t);
    apiKey = merchant.apiKey;
    const created = await t.request('POST', '/v1/generations', {
      key: apiKey,
      body: {
        avatarId: merchant.avatarId,
        productId: merchant.productId,
        width: 384,
        height: 512,
        distribution: { 'fashion-standing': 4 },
      },
    });
    if (created.status !== 202) throw new Error(`generation: ${created.status} ${JSON.stringify(created.body)}`);
    generationId = created.body.id;
    await readEventStream(`${t.baseUrl}/v1/generations/${generationId}/events`, apiKey);
  }, 600_000);

  afterAll(() => t?.close());

  // Four targets, two rounds of warm-up plus measurement each: well over Jest's default timeout.
  it('serves the pose-template list and a generation next to a bare Node server', async () => {
    const auth = { authorization: `Bearer ${apiKey}` };
    const listAnswer = await t.request('GET', LIST_PATH, { key: apiKey });
    const generationAnswer = await t.request('GET', `/v1/generations/${generationId}`, { key: apiKey });
    expect(listAnswer.status).toBe(200);
    expect(generationAnswer.status).toBe(200);
    const loadBefore = loadAverage();

    const list = await measurePair(listAnswer.body, t.baseUrl + LIST_PATH, auth);
    const generation = await measurePair(generationAnswer.body, `${t.baseUrl}/v1/generations/${generationId}`, auth);
    const [bareListLoad, listLoad] = [list.bare, list.app];
    const [bareGenerationLoad, generationLoad] = [generation.bare, generation.app];

    const lines = [
      `hot reads, ${laneName} lane, ${CONNECTIONS} connections, best of ${ROUNDS} alternating ${DURATION_S} s rounds ` +
        `per target, each after a ${WARM_UP_S} s warm-up`,
      `(${os.cpus().length} CPUs, load average ${loadBefore} before, ${loadAverage()} after; Node ${process.version}):`,
      line('bare http, same list JSON', bareListLoad),
      line(`app GET ${LIST_PATH}`, listLoad, bareListLoad),
      line('bare http, same generation JSON', bareGenerationLoad),
      line('app GET /v1/generations/{id}', generationLoad, bareGenerationLoad),
      `reproduce: ${laneName === 'services' ? 'DATABASE_URL=... REDIS_URL=... ' : ''}${COMMAND}`,
    ];
    process.stdout.write(`\n${lines.join('\n')}\n\n`);

    const figures: BenchFigure[] = [
      { name: 'bare Node http, list JSON', value: Math.round(bareListLoad.requestsPerSecond), unit: 'req/s' },
      { name: 'pose-template list', value: Math.round(listLoad.requestsPerSecond), unit: 'req/s' },
      {
        name: 'pose-template list / bare',
        value: round2(listLoad.requestsPerSecond / bareListLoad.requestsPerSecond),
        unit: 'ratio',
        target: { op: '>=', value: 1 },
      },
      {
        name: 'pose-template list / bare, by server CPU per answer',
        value: round2(bareListLoad.cpuMicrosPerAnswer / listLoad.cpuMicrosPerAnswer),
        unit: 'ratio',
      },
      { name: 'pose-template list p50', value: listLoad.p50, unit: 'ms' },
      { name: 'pose-template list p99', value: listLoad.p99, unit: 'ms', target: { op: '<=', value: 100 } },
      {
        name: 'bare Node http, generation JSON',
        value: Math.round(bareGenerationLoad.requestsPerSecond),
        unit: 'req/s',
      },
      { name: 'generation GET', value: Math.round(generationLoad.requestsPerSecond), unit: 'req/s' },
      {
        name: 'generation GET / bare',
        value: round2(generationLoad.requestsPerSecond / bareGenerationLoad.requestsPerSecond),
        unit: 'ratio',
      },
      { name: 'generation GET p50', value: generationLoad.p50, unit: 'ms' },
      { name: 'generation GET p99', value: generationLoad.p99, unit: 'ms' },
    ];
    await recordBenchResult({ bench: 'list-throughput', lane: laneName, command: COMMAND, figures });
    // Only the runs' validity is checked, never their speed.
    for (const load of [bareListLoad, listLoad, bareGenerationLoad, generationLoad]) {
      expect(load.non2xx + load.errors).toBe(0);
    }
  }, 600_000);
});

const round2 = (value: number) => Math.round(value * 100) / 100;
