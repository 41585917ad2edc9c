import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { SERVER_ROOT } from '../../src/infra/database/schema-engine.js';
import { servicesLane } from '../support/lanes.js';
import type { GenerationStatus } from '../../src/generated/prisma/enums.js';
import type { TestApp, TestStorage } from '../support/test-app.js';

const execFileAsync = promisify(execFile);

export const API_ENTRY = path.join(SERVER_ROOT, 'dist/main.js');
export const WORKER_ENTRY = path.join(SERVER_ROOT, 'dist/worker.js');

/** Short locks and reconciliation so each case recovers in seconds, not the production minutes. */
export const FAST_RECOVERY_ENV = {
  QUEUE_LOCK_DURATION_MS: '3000',
  RECONCILE_INTERVAL_MS: '1500',
  GENERATION_CONCURRENCY: '4',
  GENERATION_RETRY_BASE_MS: '200',
  POSE_DETECTOR: 'off',
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_RETRY_SCHEDULE: '0,500ms,1s,1s,2s,2s,2s,2s',
};

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A redis-server of the suite's own on a free port, with no persistence, so a restart comes back empty. */
export class OwnRedis {
  private process: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Kills the server (SIGKILL: nothing is saved) and starts an empty one on the same port. */
  async restartEmpty(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Starts an empty server again after `stop()`. */
  startAgain(): Promise<void> {
    return this.launch();
  }

  async stop(): Promise<void> {
    const running = this.process;
    if (!running || running.exitCode !== null) return;
    running.kill('SIGKILL');
    await once(running, 'exit');
  }

  private async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    this.process = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    for await (const chunk of this.process.stdout!) {
      output += String(chunk);
      if (output.includes('Ready to accept connections')) return;
    }
    throw new Error(`redis-server exited before it was ready: ${output}`);
  }
}

/**
 * A PostgreSQL database of the suite's own (not a schema in the shared one), so terminating its
 * connections touches no other suite.
 */
export async function createOwnDatabase(): Promise<TestStorage & { terminateConnections(): Promise<number> }> {
  const adminUrl = servicesLane.databaseUrl!;
  const name = `lumiku_faults_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lumiku-faults-'));
  const terminateConnections = async () => {
    const { rows } = await admin.query<{ count: string }>(
      'SELECT count(pg_terminate_backend(pid)) AS count FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    return Number(rows[0].count);
  };
  return {
    dataDir,
    databaseUrl: url.toString(),
    terminateConnections,
    async dispose() {
      await terminateConnections();
      await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
      await admin.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A built entry point (`dist/worker.js` or `dist/main.js`) as its own process; resolves once it said `readyLine`. */
export async function startProcess(
  entry: string,
  env: Record<string, string>,
  readyLine: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  for await (const chunk of child.stdout) {
    output += String(chunk);
    if (output.includes(readyLine)) {
      // Keep draining stdout so the child never blocks on a full pipe.
      child.stdout.resume();
      return child;
    }
  }
  throw new Error(`${path.basename(entry)} exited before it was ready: ${output}`);
}

/** The environment a spawned worker or API needs to share the test app's database, Redis and queues. */
export function sharedEnv(t: TestApp, storage: TestStorage, redis: OwnRedis): Record<string, string> {
  return {
    ...FAST_RECOVERY_ENV,
    DATA_DIR: storage.dataDir,
    DATABASE_URL: storage.databaseUrl!,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: t.config.redisKeyPrefix,
  };
}

export function startWorker(t: TestApp, storage: TestStorage, redis: OwnRedis): Promise<ChildProcess> {
  return startProcess(WORKER_ENTRY, sharedEnv(t, storage, redis), 'is processing generation slots');
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill(signal);
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

const TERMINAL: GenerationStatus[] = ['completed', 'partial', 'failed', 'canceled'];

/** Waits until every generation of the user is in a final state; resolves with the milliseconds it took. */
export async function untilFinished(t: TestApp, userId: string, timeoutMs: number): Promise<number> {
  const startedAt = Date.now();
  for (;;) {
    const open = await t.database.client.poseGeneration.count({ where: { userId, status: { notIn: TERMINAL } } });
    if (open === 0 || Date.now() - startedAt > timeoutMs) return Date.now() - startedAt;
    await sleep(200);
  }
}

/** Waits until `progress` (0-100) reaches `atLeast`, so a fault lands mid-batch. */
export async function untilProgress(t: TestApp, generationId: string, atLeast: number): Promise<void> {
  for (;;) {
    const row = await t.database.client.poseGeneration.findUniqueOrThrow({ where: { id: generationId } });
    if (row.progress >= atLeast) return;
    if (TERMINAL.includes(row.status)) throw new Error(`generation finished before ${atLeast}% (too fast to fault)`);
    await sleep(50);
  }
}

export interface FaultFigures {
  case: string;
  slots: number;
  slotsTerminal: number;
  lost: number;
  duplicated: number;
  completions: number;
  webhookIdsDelivered: number | null;
  recoveryMs: number;
}

/**
 * What a case ends with, over all generations of the case's own user: slots not terminal are lost; stored
 * outputs beyond one per succeeded slot (or two slots sharing one) are duplicates; completions are the
 * `generation.completed` events recorded; webhook ids are the distinct `webhook-id`s a receiver got.
 */
export async function figures(
  t: TestApp,
  name: string,
  userId: string,
  recoveryMs: number,
  webhookIds?: ReadonlySet<string>,
): Promise<FaultFigures> {
  const db = t.database.client;
  const slots = await db.generatedPose.findMany({ where: { userId }, select: { status: true, outputObjectId: true } });
  const terminal = slots.filter((slot) => ['succeeded', 'failed', 'canceled'].includes(slot.status));
  const outputIds = slots.flatMap((slot) => (slot.outputObjectId ? [slot.outputObjectId] : []));
  const distinctOutputs = new Set(outputIds).size;
  const storedOutputs = await db.storedObject.count({ where: { userId, key: { contains: '-output.' } } });
  const result: FaultFigures = {
    case: name,
    slots: slots.length,
    slotsTerminal: terminal.length,
    lost: slots.length - terminal.length,
    duplicated: storedOutputs - distinctOutputs + (outputIds.length - distinctOutputs),
    completions: await db.webhookEvent.count({ where: { userId, type: 'generation.completed' } }),
    webhookIdsDelivered: webhookIds ? webhookIds.size : null,
    recoveryMs,
  };
  console.log(`fault figures: ${JSON.stringify(result)}`);
  return result;
}

export interface SentRequest {
  /** Resolves once the whole request (headers and body) has been handed to the kernel. */
  sent: Promise<void>;
  /** The status code once the answer has been read to its end; 0 when the connection failed instead. */
  answered: Promise<{ status: number; error?: string }>;
  /** True once `answered` has resolved: the request's connection is then closed. */
  readonly settled: boolean;
}

/**
 * One request on a connection of its own, so the caller can tell when the server has it: a SIGTERM sent
 * after `sent` (plus a moment for the server to read it) hits a request in flight, not one still on its way.
 */
export function sendFully(url: string, method: string, headers: Record<string, string>, body?: Buffer): SentRequest {
  let markSent: () => void = () => undefined;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  let settled = false;
  const answered = new Promise<{ status: number; error?: string }>((resolve) => {
    const request = httpRequest(url, {
      method,
      agent: false,
      headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
    });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
      response.on('error', (error) => resolve({ status: 0, error: error.message }));
    });
    request.on('error', (error) => {
      markSent();
      resolve({ status: 0, error: error.message });
    });
    request.end(body, markSent);
  }).finally(() => (settled = true));
  return {
    sent,
    answered,
    get settled() {
      return settled;
    },
  };
}

/** A FormData as the bytes and content type a browser would send. */
export async function encodeForm(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const encoded = new Request('http://127.0.0.1/', { method: 'POST', body: form });
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! };
}

/**
 * Resolves once every request not yet answered has its connection to the local `port` established and none
 * still waits in the listen backlog: the server process has accepted every one, and reads a request's head
 * as soon as it accepts it. (A request answered already has closed its connection.) Read from `ss`
 * (iproute2), so the test does not guess with a sleep.
 */
export async function untilAccepted(port: number, requests: readonly SentRequest[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [listening, established] = await Promise.all([
      ssLines(['-ltnH', `sport = :${port}`]),
      ssLines(['-tnH', 'state', 'established', `( sport = :${port} )`]),
    ]);
    const backlog = listening.reduce((sum, line) => sum + Number(line.split(/\s+/)[1] ?? 0), 0);
    const open = requests.filter((request) => !request.settled).length;
    if (backlog === 0 && established.length >= open) return;
    if (Date.now() > deadline) {
      throw new Error(
        `port ${port}: ${established.length} of ${open} connections (${requests.length - open} answered), ${backlog} in the backlog`,
      );
    }
    await sleep(10);
  }
}

async function ssLines(args: string[]): Promise<string[]> {
  const { stdout } = await execFileAsync('ss', args);
  return stdout.split('\n').filter((line) => line.trim());
}
