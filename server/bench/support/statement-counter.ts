/**
 * Counts SQL statements sent by this process, below Prisma. PostgreSQL: each one passes through
 * `pg.Client#query`. Embedded: PGlite runs in a worker thread (infra/database/pglite-worker-client.ts), so
 * each statement is one message to it: `query` and `exec`, plus `begin` (BEGIN) and `end` (COMMIT or
 * ROLLBACK). Benchmarks only; installed once, read as a running total.
 */
import { Worker } from 'node:worker_threads';
import pg from 'pg';

const STATEMENT_MESSAGES = new Set(['query', 'exec', 'begin', 'end']);
let statements = 0;
let installed = false;
/** The statements' text, kept only while a caller records (recordStatements). */
let recorded: string[] | undefined;

function count(text: unknown): void {
  statements += 1;
  recorded?.push(typeof text === 'string' ? text : JSON.stringify(text));
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps `prototype[name]` so that every call first reports its arguments to `observe`. */
function observeCalls(prototype: object, name: string, observe: (args: unknown[]) => void): void {
  const target = prototype as Record<string, Method>;
  const original = target[name];
  target[name] = function (this: unknown, ...args: unknown[]) {
    observe(args);
    return original.apply(this, args);
  };
}

export function installStatementCounter(): void {
  if (installed) return;
  installed = true;
  observeCalls(pg.Client.prototype, 'query', ([first]) => {
    count(typeof first === 'object' && first !== null && 'text' in first ? first.text : first);
  });
  observeCalls(Worker.prototype, 'postMessage', ([message]) => {
    const op = (message as { op?: unknown } | null)?.op;
    if (typeof op === 'string' && STATEMENT_MESSAGES.has(op)) count((message as { sql?: string }).sql ?? op);
  });
}

export function statementsSoFar(): number {
  return statements;
}

/** Keeps the text of every statement sent until `stop` is called, which returns them. */
export function recordStatements(): { stop(): string[] } {
  recorded = [];
  return {
    stop() {
      const texts = recorded ?? [];
      recorded = undefined;
      return texts;
    },
  };
}
