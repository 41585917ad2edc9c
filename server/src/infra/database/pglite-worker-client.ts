import { messages, types, type ParserOptions, type Results, type RowMode } from '@electric-sql/pglite';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../workers/start-worker.js';
import type { PGliteReply, PGliteRequest, WireError } from './pglite-worker-protocol.js';

/** The query options that can cross to the worker; parsers run on the main thread (see WireQueryOptions). */
export interface PGliteQueryOptions {
  rowMode?: RowMode;
  parsers?: ParserOptions;
  paramTypes?: number[];
}

export interface PGliteTransactionLike {
  query<T>(sql: string, params?: unknown[], options?: PGliteQueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: PGliteQueryOptions): Promise<Results[]>;
  rollback(): Promise<void>;
}

/** The part of PGlite's API that pglite-prisma-adapter and this server call, answered by a worker thread. */
export interface PGliteLike {
  query<T>(sql: string, params?: unknown[], options?: PGliteQueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: PGliteQueryOptions): Promise<Results[]>;
  transaction<T>(callback: (tx: PGliteTransactionLike) => Promise<T>): Promise<T>;
  /** Waits for running statements, closes PGlite and ends the thread. */
  close(): Promise<void>;
  /** The thread itself, for its CPU figures (worker.performance) and for tests that make it die. */
  readonly worker: Worker;
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
/** A request before call() numbers it. */
type Request = WithoutId<PGliteRequest>;

/** What PGlite's own errors carry besides the worker's fields: the caller's parameters and options. */
interface StatementContext {
  params?: unknown[];
  options?: PGliteQueryOptions;
}

interface Pending {
  context: StatementContext;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** A SQLSTATE of the connection exception class, so a lost thread reads as a lost connection (503, read retry). */
function connectionLost(reason: string): Error {
  const error = new messages.DatabaseError(`the PGlite worker thread stopped: ${reason}`, 0, 'error');
  return Object.assign(error, { severity: 'FATAL', code: '08006' });
}

function rebuildError(wire: WireError, { params, options }: StatementContext): Error {
  const { length, name, ...properties } = wire.properties;
  if (wire.database) {
    // pglite-prisma-adapter maps an error to a Prisma code only when it is PGlite's DatabaseError class.
    const error = new messages.DatabaseError(wire.message, Number(length), name as messages.MessageName);
    return Object.assign(error, properties, { params, queryOptions: options });
  }
  return Object.assign(new Error(wire.message), { name: wire.name }, properties);
}

/** Runs the caller's parsers on the columns the worker left as text, as PGlite does in-process. */
function parseRaw(result: Results, parsers: ParserOptions | undefined, rowMode: RowMode | undefined): Results {
  if (!parsers) return result;
  // Object rows keep the last column of a name, so that column's type decides its parser.
  const columns = new Map<string | number, number>();
  result.fields.forEach((field, index) => columns.set(rowMode === 'array' ? index : field.name, field.dataTypeID));
  const parsed = [...columns].filter(([, type]) => parsers[type]);
  if (parsed.length === 0) return result;
  for (const row of result.rows as Array<Record<string | number, string | null>>) {
    for (const [key, type] of parsed) row[key] = types.parseType(row[key], type, parsers);
  }
  return result;
}

class PGliteWorkerClient implements PGliteLike {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(readonly worker: Worker) {
    worker.on('message', (reply: PGliteReply) => this.settle(reply));
    worker.on('error', (error: Error) => this.lose(connectionLost(error.message)));
    worker.on('exit', (code) => this.lose(connectionLost(`exit code ${code}`)));
  }

  /** Opens PGlite in the thread; resolves once it is ready. */
  async open(directory: string): Promise<void> {
    await this.call({ op: 'open', directory });
  }

  query<T>(sql: string, params?: unknown[], options?: PGliteQueryOptions): Promise<Results<T>> {
    return this.runQuery<T>(undefined, sql, params, options);
  }

  exec(sql: string, options?: PGliteQueryOptions): Promise<Results[]> {
    return this.runExec(undefined, sql, options);
  }

  async transaction<T>(callback: (tx: PGliteTransactionLike) => Promise<T>): Promise<T> {
    const tx = (await this.call({ op: 'begin' })) as number;
    const handle: PGliteTransactionLike = {
      query: (sql, params, options) => this.runQuery(tx, sql, params, options),
      exec: (sql, options) => this.runExec(tx, sql, options),
      rollback: async () => {
        await this.call({ op: 'rollback', tx });
      },
    };
    let result: T;
    try {
      result = await callback(handle);
    } catch (error) {
      await this.call({ op: 'end', tx, commit: false });
      throw error;
    }
    await this.call({ op: 'end', tx, commit: true });
    return result;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // A thread that already died has nothing left to close.
      if (this.failure) return;
      await this.call({ op: 'close' });
      this.lose(new Error('PGlite is closed'));
      await this.worker.terminate();
    })();
    return this.closing;
  }

  private async runQuery<T>(
    tx: number | undefined,
    sql: string,
    params: unknown[] = [],
    options?: PGliteQueryOptions,
  ): Promise<Results<T>> {
    const result = await this.call(
      { op: 'query', sql, params, options: wireOptions(options), tx },
      { params, options },
    );
    return parseRaw(result as Results, options?.parsers, options?.rowMode) as Results<T>;
  }

  private async runExec(tx: number | undefined, sql: string, options?: PGliteQueryOptions): Promise<Results[]> {
    const results = (await this.call({ op: 'exec', sql, options: wireOptions(options), tx }, { options })) as Results[];
    return results.map((result) => parseRaw(result, options?.parsers, options?.rowMode));
  }

  private call(request: Request, context: StatementContext = {}): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.track(id, { context, resolve, reject });
      try {
        this.worker.postMessage({ ...request, id });
      } catch (error) {
        // A parameter that cannot be cloned (a function, a class with private state) fails here.
        this.untrack(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private settle(reply: PGliteReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.untrack(reply.id);
    if ('error' in reply) pending.reject(rebuildError(reply.error, pending.context));
    else pending.resolve(reply.result);
  }

  /** Referenced only while a reply is awaited: an idle database must not keep the process alive. */
  private track(id: number, pending: Pending): void {
    if (this.pending.size === 0) this.worker.ref();
    this.pending.set(id, pending);
  }

  private untrack(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }

  /** From now on every call fails with the first reason the thread was lost; what waits fails with it too. */
  private lose(reason: Error): void {
    this.failure ??= reason;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const pending of waiting) pending.reject(this.failure);
  }
}

function wireOptions(options: PGliteQueryOptions | undefined) {
  if (options && ['serializers', 'onNotice', 'blob'].some((key) => key in options)) {
    throw new TypeError('serializers, onNotice and blob cannot cross to the PGlite worker thread');
  }
  const rawTypes = options?.parsers ? Object.keys(options.parsers).map(Number) : [];
  return { rowMode: options?.rowMode, rawTypes, paramTypes: options?.paramTypes };
}

/**
 * Opens PGlite on `directory` in a worker thread of its own: its wire protocol and engine run there, off the
 * event loop that serves requests. Resolves once the database is ready.
 */
export async function startPGlite(directory: string): Promise<PGliteLike> {
  const client = new PGliteWorkerClient(startWorker(new URL('./pglite-worker.js', import.meta.url)));
  try {
    await client.open(directory);
  } catch (error) {
    await client.worker.terminate();
    throw error;
  }
  return client;
}
