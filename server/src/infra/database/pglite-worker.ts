/**
 * The worker thread that owns the embedded PGlite database, started by startPGlite(). It runs what the main
 * thread posts (pglite-worker-protocol.ts) on one PGlite instance, whose own locks keep the single-connection
 * order: a statement outside a transaction waits until the open transaction ends.
 */
import { messages, PGlite, type ParserOptions, type Results, type Transaction } from '@electric-sql/pglite';
import { parentPort } from 'node:worker_threads';
import type { PGliteReply, PGliteRequest, WireError, WireQueryOptions } from './pglite-worker-protocol.js';

interface OpenTransaction {
  tx: Transaction;
  /** The transaction's statements run one after another, so its end waits for what was posted before it. */
  tail: Promise<unknown>;
  end(commit: boolean): Promise<void>;
}

const port = parentPort!;
const transactions = new Map<number, OpenTransaction>();
let nextTransactionId = 1;

/** Thrown into PGlite's transaction callback so that PGlite rolls the transaction back. */
const ROLLED_BACK_BY_CALLER = new Error('rolled back by the caller');

const keepText = (text: string): string => text;
const rawParsers = new Map<string, ParserOptions>();

function queryOptions({ rowMode, rawTypes, paramTypes }: WireQueryOptions) {
  if (rawTypes.length === 0) return { rowMode, paramTypes };
  const key = rawTypes.join(',');
  let parsers = rawParsers.get(key);
  if (!parsers) {
    parsers = Object.fromEntries(rawTypes.map((type) => [type, keepText]));
    rawParsers.set(key, parsers);
  }
  return { rowMode, paramTypes, parsers };
}

function begin(db: PGlite): Promise<number> {
  const id = nextTransactionId++;
  return new Promise((started, failed) => {
    const finished = db.transaction(
      (tx) =>
        new Promise<void>((commit, rollback) => {
          transactions.set(id, {
            tx,
            tail: Promise.resolve(),
            end(shouldCommit) {
              if (shouldCommit) commit();
              else rollback(ROLLED_BACK_BY_CALLER);
              return finished.catch((error: unknown) => {
                if (error !== ROLLED_BACK_BY_CALLER) throw error;
              });
            },
          });
          started(id);
        }),
    );
    // Before the callback runs (BEGIN failed) this rejects `started`; afterwards end() reports the outcome.
    finished.catch(failed);
  });
}

function inTransaction(id: number, step: (open: OpenTransaction) => Promise<unknown>): Promise<unknown> {
  const open = transactions.get(id);
  if (!open) return Promise.reject(new Error('Transaction is closed'));
  const run = open.tail.then(() => step(open));
  open.tail = run.catch(() => undefined);
  return run;
}

/** Calls PGlite synchronously on arrival, so statements reach its locks in the order they were posted. */
function handle(db: PGlite, request: Exclude<PGliteRequest, { op: 'open' }>): Promise<unknown> {
  switch (request.op) {
    case 'query': {
      const options = queryOptions(request.options);
      if (request.tx === undefined) return db.query(request.sql, request.params, options);
      return inTransaction(request.tx, ({ tx }) => tx.query(request.sql, request.params, options));
    }
    case 'exec': {
      const options = queryOptions(request.options);
      if (request.tx === undefined) return db.exec(request.sql, options);
      return inTransaction(request.tx, ({ tx }) => tx.exec(request.sql, options));
    }
    case 'begin':
      return begin(db);
    case 'rollback':
      return inTransaction(request.tx, ({ tx }) => tx.rollback());
    case 'end':
      return inTransaction(request.tx, (open) => open.end(request.commit)).finally(() =>
        transactions.delete(request.tx),
      );
    case 'close':
      return db.close();
  }
}

function describeError(error: unknown): WireError {
  if (!(error instanceof Error)) return { database: false, name: 'Error', message: String(error), properties: {} };
  const properties: WireError['properties'] = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || ['string', 'number', 'boolean', 'bigint'].includes(typeof value)) {
      properties[key] = value as WireError['properties'][string];
    }
  }
  return { database: error instanceof messages.DatabaseError, name: error.name, message: error.message, properties };
}

/** Byte arrays that own their whole buffer move to the main thread instead of being copied. */
function ownedBuffers(result: unknown): ArrayBuffer[] {
  const sets = (Array.isArray(result) ? result : [result]) as Array<Partial<Results<unknown>>>;
  const buffers = new Set<ArrayBuffer>();
  for (const set of sets) {
    for (const row of set?.rows ?? []) {
      for (const value of Object.values(row as object)) {
        if (
          value instanceof Uint8Array &&
          value.buffer instanceof ArrayBuffer &&
          value.byteOffset === 0 &&
          value.byteLength === value.buffer.byteLength
        ) {
          buffers.add(value.buffer);
        }
      }
    }
  }
  return [...buffers];
}

function reply(message: PGliteReply, transfer: ArrayBuffer[] = []): void {
  try {
    port.postMessage(message, transfer);
  } catch (error) {
    // A value that cannot be cloned fails its own statement rather than the thread.
    port.postMessage({ id: message.id, error: describeError(error) });
  }
}

let database: PGlite | undefined;

/**
 * PostgreSQL's buffer cache inside PGlite's WebAssembly memory, which stays resident once touched. Its
 * default of 128 MB was a quarter of an idle server's memory; the database files sit in the operating
 * system's page cache as well, so a smaller cache costs little (docs/performance.md, "Memory").
 */
const SHARED_BUFFERS = '16MB';

async function open(directory: string): Promise<null> {
  const db = new PGlite(directory, {
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`],
  });
  await db.waitReady;
  database = db;
  return null;
}

port.on('message', (request: PGliteRequest) => {
  const answer =
    request.op === 'open'
      ? open(request.directory)
      : database
        ? handle(database, request)
        : Promise.reject(new Error('PGlite is not open yet'));
  answer.then(
    (result) => reply({ id: request.id, result }, ownedBuffers(result)),
    (error: unknown) => reply({ id: request.id, error: describeError(error) }),
  );
});
