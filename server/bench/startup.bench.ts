/**
 * How long `node server/dist/main.js` takes from spawn to the first 200 from /health/ready: on a fresh
 * DATA_DIR (or a fresh schema on the services lane), then again on the same one, RUNS times each; plus the
 * time a bare Node takes to import the module graph, bundled as main.js loads it (dist/start-api.bundle.js,
 * scripts/bundle-server.mjs) and as compiled files (dist/bootstrap.js). Needs `npm run build -w server`
 * first. Prints figures and the load average; asserts nothing about time.
 *
 *   npm run bench -w server -- bench/startup.bench.ts                  # embedded lane
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 \
 *     npm run bench -w server -- bench/startup.bench.ts                # services lane (a schema of its own)
 *
 * STARTUP_RUNS sets the runs per case (default 5).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseDatabaseUrl } from '../src/infra/database/database-connection.js';
import { laneName, servicesLane } from '../test/support/lanes.js';
import { recordBenchResult, type BenchFigure } from './support/results.js';

const SERVER_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = path.join(SERVER_DIR, 'dist', 'main.js');
const BUNDLED_GRAPH = path.join(SERVER_DIR, 'dist', 'start-api.bundle.js');
const COMPILED_GRAPH = path.join(SERVER_DIR, 'dist', 'bootstrap.js');
const RUNS = Number(process.env.STARTUP_RUNS ?? 5);
const READY_TIMEOUT_MS = 120_000;
const COMMAND = 'npm run bench -w server -- bench/startup.bench.ts';

const loadAverage = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

interface Stats {
  median: number;
  min: number;
  max: number;
}

function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1)! };
}

const format = (s: Stats) => `median ${s.median.toFixed(0)} ms, min ${s.min.toFixed(0)} ms, max ${s.max.toFixed(0)} ms`;

/** Spawns the server on PORT=0, reads the port it prints, polls /health/ready; stops it and returns the ms. */
async function timeToReady(env: Record<string, string | undefined>): Promise<number> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [MAIN], {
    cwd: path.dirname(SERVER_DIR),
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
      if (performance.now() - startedAt > READY_TIMEOUT_MS) throw new Error(`not ready in time:\n${output}`);
      const port = /listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (port) {
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
        if (ready?.status === 200) return performance.now() - startedAt;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** A bare `import()` of the app's module graph in a new Node process, as main.js pays it before anything runs. */
async function moduleLoadMs(entry: string): Promise<number> {
  const script =
    `const t = performance.now(); await import(${JSON.stringify(entry)}); ` +
    `process.stdout.write(String(performance.now() - t)); process.exit(0);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  return Number(output);
}

/** Where one series of starts keeps its data: a temp DATA_DIR, plus a schema of its own on the services lane. */
async function createStorage() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lumiku-startup-bench-'));
  const env: Record<string, string | undefined> = { DATA_DIR: dataDir };
  let schema: string | undefined;
  if (servicesLane.databaseUrl) {
    schema = `bench_startup_${randomBytes(5).toString('hex')}`;
    const url = new URL(servicesLane.databaseUrl);
    url.searchParams.set('schema', schema);
    Object.assign(env, {
      DATABASE_URL: url.toString(),
      REDIS_URL: servicesLane.redisUrl,
      REDIS_KEY_PREFIX: schema,
      // The development key is for the embedded default; a services start needs an operator's token.
      ADMIN_TOKEN: 'bench_startup_admin_token_0123456789',
    });
  }
  return {
    env,
    async dispose() {
      if (schema) {
        const client = new pg.Client({
          connectionString: parseDatabaseUrl(servicesLane.databaseUrl!).connectionString,
        });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describe(`start-up benchmark (${laneName} lane)`, () => {
  it(`times ${RUNS} fresh and ${RUNS} existing starts of dist/main.js`, async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build -w server\` first`);
    process.stdout.write(`command: ${COMMAND}\nload average before: ${loadAverage()}\n`);
    const fresh: number[] = [];
    const existing: number[] = [];
    const bundledLoads: number[] = [];
    const compiledLoads: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      bundledLoads.push(await moduleLoadMs(BUNDLED_GRAPH));
      compiledLoads.push(await moduleLoadMs(COMPILED_GRAPH));
      const storage = await createStorage();
      try {
        fresh.push(await timeToReady(storage.env));
        existing.push(await timeToReady(storage.env));
      } finally {
        await storage.dispose();
      }
    }
    const lines = [
      `fresh ${laneName === 'embedded' ? 'DATA_DIR' : 'schema'} to ready:    ${format(stats(fresh))}`,
      `existing ${laneName === 'embedded' ? 'DATA_DIR' : 'schema'} to ready: ${format(stats(existing))}`,
      `module graph import, bundled:   ${format(stats(bundledLoads))}`,
      `module graph import, compiled:  ${format(stats(compiledLoads))}`,
      `load average after: ${loadAverage()} (${os.cpus().length} cores)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    // The targets are for the embedded default: 3 s on a fresh DATA_DIR, 2 s on an existing one.
    const target = (value: number) => (laneName === 'embedded' ? { op: '<=' as const, value } : undefined);
    const figures: BenchFigure[] = [
      {
        name: 'fresh start to ready, median',
        value: Math.round(stats(fresh).median),
        unit: 'ms',
        target: target(3000),
      },
      { name: 'fresh start to ready, min', value: Math.round(stats(fresh).min), unit: 'ms' },
      { name: 'fresh start to ready, max', value: Math.round(stats(fresh).max), unit: 'ms' },
      {
        name: 'existing start to ready, median',
        value: Math.round(stats(existing).median),
        unit: 'ms',
        target: target(2000),
      },
      { name: 'existing start to ready, min', value: Math.round(stats(existing).min), unit: 'ms' },
      { name: 'existing start to ready, max', value: Math.round(stats(existing).max), unit: 'ms' },
      { name: 'module graph import, bundled, median', value: Math.round(stats(bundledLoads).median), unit: 'ms' },
      {
        name: 'module graph import, compiled files, median',
        value: Math.round(stats(compiledLoads).median),
        unit: 'ms',
      },
    ];
    const file = await recordBenchResult({ bench: 'startup', lane: laneName, command: COMMAND, figures });
    process.stdout.write(`figures written to ${file}\n`);
  }, 1_800_000);
});
