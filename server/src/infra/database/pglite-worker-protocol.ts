/**
 * Messages between PGliteWorkerClient (main thread) and pglite-worker.ts (the thread that owns PGlite).
 * Every request carries an id that its reply repeats; the first one opens PGlite on a directory.
 */
import type { RowMode } from '@electric-sql/pglite';

/**
 * Query options as they cross the thread boundary. Parser functions cannot be posted: the worker leaves the
 * columns of `rawTypes` as the text PostgreSQL sent, and the main thread runs the caller's parsers on them.
 */
export interface WireQueryOptions {
  rowMode?: RowMode;
  rawTypes: number[];
  paramTypes?: number[];
}

/** `tx` routes a statement into the open transaction of that id; without it the statement waits for none. */
export type PGliteRequest =
  | { id: number; op: 'open'; directory: string }
  | { id: number; op: 'query'; sql: string; params: unknown[]; options: WireQueryOptions; tx?: number }
  | { id: number; op: 'exec'; sql: string; options: WireQueryOptions; tx?: number }
  | { id: number; op: 'begin' }
  | { id: number; op: 'rollback'; tx: number }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };

/** An error's class and its primitive own properties (a DatabaseError's code, detail, constraint, ...). */
export interface WireError {
  database: boolean;
  name: string;
  message: string;
  properties: Record<string, string | number | boolean | bigint | undefined>;
}

export type PGliteReply = { id: number; result: unknown } | { id: number; error: WireError };
