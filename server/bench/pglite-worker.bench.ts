/**
 * What running PGlite in its worker thread (startPGlite) saves the main thread, against PGlite in-process:
 * runs per second, the main thread's CPU time per run (Linux /proc, that thread alone), and the
 * whole process's CPU per run (both threads). Statements go through Prisma and pglite-prisma-adapter as
 * the server's do: `SELECT 1`, a list of 100 pose-template-like rows (JSON keypoints, a text array) out of
 * 1,000, and an interactive transaction of two statements. Prints figures and records them; asserts nothing
 * about time.
 *
 *   cd /work/main && npm run bench -w server -- bench/pglite-worker.bench.ts
 */
import { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { startPGlite, type PGliteLike } from '../src/infra/database/pglite-worker-client.js';
import { recordBenchResult, type BenchFigure } from './support/results.js';

const COMMAND = 'cd /work/main && npm run bench -w server -- bench/pglite-worker.bench.ts';
const ROWS = 1000;
/** Statements in flight at once in the concurrent runs, as when a batch of requests is served. */
const IN_FLIGHT = 8;

const SETUP = `
  CREATE TABLE templates (
    id serial PRIMARY KEY, name text NOT NULL, category text NOT NULL, keypoints jsonb NOT NULL,
    tags text[] NOT NULL, usage int NOT NULL, success float8 NOT NULL, created_at timestamptz NOT NULL DEFAULT now()
  );
  INSERT INTO templates (name, category, keypoints, tags, usage, success)
    SELECT 'Pose ' || n, CASE WHEN n % 2 = 0 THEN 'fashion' ELSE 'lifestyle' END,
      (SELECT jsonb_agg(jsonb_build_object('x', k / 18.0, 'y', 0.5, 'c', 0.9)) FROM generate_series(1, 18) AS k),
      ARRAY['standing', 'front'], n % 97, 0.8
    FROM generate_series(1, ${ROWS}) AS n;`;

const LIST = `SELECT id, name, category, keypoints, tags, usage, success, created_at FROM templates
  WHERE category = $1 ORDER BY usage DESC, id LIMIT 100`;

interface Scenario {
  name: string;
  count: number;
  run(client: PrismaClient): Promise<unknown>;
}

const SCENARIOS: Scenario[] = [
  { name: 'SELECT 1', count: 1500, run: (client) => client.$queryRaw`SELECT 1` },
  { name: 'list of 100 rows', count: 200, run: (client) => client.$queryRawUnsafe(LIST, 'fashion') },
  {
    name: 'transaction of 2 statements',
    count: 200,
    run: (client) =>
      client.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        await tx.$executeRawUnsafe('UPDATE templates SET usage = usage + 1 WHERE id = $1', 1);
      }),
  },
];

interface Measure {
  perSecond: number;
  mainCpuMs: number;
  cpuMs: number;
}

/** CPU milliseconds of the main thread alone: utime + stime of its /proc task, in USER_HZ (100 per second). */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function measure(client: PrismaClient, scenario: Scenario, inFlight: number): Promise<Measure> {
  for (let index = 0; index < 30; index++) await scenario.run(client);
  const mainCpu = mainThreadCpuMs();
  const cpu = process.cpuUsage();
  const begin = performance.now();
  for (let done = 0; done < scenario.count; done += inFlight) {
    await Promise.all(Array.from({ length: inFlight }, () => scenario.run(client)));
  }
  const wall = performance.now() - begin;
  const used = process.cpuUsage(cpu);
  return {
    perSecond: (scenario.count / wall) * 1000,
    mainCpuMs: (mainThreadCpuMs() - mainCpu) / scenario.count,
    cpuMs: (used.user + used.system) / 1000 / scenario.count,
  };
}

describe('PGlite in-process vs in a worker thread', () => {
  let inProcess: PGlite;
  let worker: PGliteLike;
  let clients: { mode: 'in-process' | 'worker'; client: PrismaClient }[];

  beforeAll(async () => {
    inProcess = new PGlite();
    [worker] = await Promise.all([startPGlite('memory://'), inProcess.waitReady]);
    await Promise.all([inProcess.exec(SETUP), worker.exec(SETUP)]);
    clients = [
      { mode: 'in-process', client: new PrismaClient({ adapter: new PrismaPGlite(inProcess) }) },
      {
        mode: 'worker',
        // The adapter calls only query, exec and transaction, which the thread answers.
        client: new PrismaClient({ adapter: new PrismaPGlite(worker as unknown as PGlite) }),
      },
    ];
  });

  afterAll(async () => {
    for (const { client } of clients ?? []) await client.$disconnect();
    await inProcess?.close();
    await worker?.close();
  });

  it('measures runs per second and main-thread CPU per run', async () => {
    const load = os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(' ');
    const lines = [
      `PGlite in-process vs worker thread, through Prisma (${os.cpus().length} CPUs, load average ${load}):`,
    ];
    const figures: BenchFigure[] = [];
    for (const scenario of SCENARIOS) {
      for (const inFlight of [1, IN_FLIGHT]) {
        for (const { mode, client } of clients) {
          const result = await measure(client, scenario, inFlight);
          const label = `${scenario.name}, ${inFlight} in flight, ${mode}`;
          lines.push(
            `  ${label.padEnd(56)} ${result.perSecond.toFixed(0).padStart(5)}/s  ` +
              `main-thread CPU ${result.mainCpuMs.toFixed(2)} ms  process CPU ${result.cpuMs.toFixed(2)} ms (per run)`,
          );
          figures.push(
            { name: `${label}: runs per second`, value: Number(result.perSecond.toFixed(0)), unit: '1/s' },
            { name: `${label}: main-thread CPU per run`, value: Number(result.mainCpuMs.toFixed(2)), unit: 'ms' },
          );
        }
      }
    }
    lines.push(
      `  load average after: ${os
        .loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')}`,
      `  ${COMMAND}`,
    );
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
    const file = await recordBenchResult({ bench: 'pglite-worker', lane: 'embedded', command: COMMAND, figures });
    process.stdout.write(`recorded in ${file}\n`);
    expect(figures).toHaveLength(SCENARIOS.length * 2 * 2 * 2);
  });
});
