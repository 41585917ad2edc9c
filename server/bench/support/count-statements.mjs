// Preloaded into a server process by the throughput benchmark (`node --import`): counts the SQL statements
// the process sends, below Prisma, and answers the count over IPC. PostgreSQL: each passes through
// pg.Client#query. Embedded: PGlite runs in a worker thread (infra/database/pglite-worker-client.ts), so each
// statement is one message to it: `query` and `exec`, plus `begin` (BEGIN) and `end` (COMMIT or ROLLBACK).
// With BENCH_SQL_LOG=<file>, each statement's text is appended to that file after the process's uptime in ms.
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const require = createRequire(new URL('../../package.json', import.meta.url));
const pg = require('pg');
const STATEMENT_MESSAGES = new Set(['query', 'exec', 'begin', 'end']);
const logFile = process.env.BENCH_SQL_LOG;
let statements = 0;

function count(text) {
  statements += 1;
  if (logFile)
    appendFileSync(logFile, `${performance.now().toFixed(1)} ${String(text).replaceAll(/\s+/g, ' ').slice(0, 300)}\n`);
}

function observeCalls(prototype, name, observe) {
  const original = prototype[name];
  prototype[name] = function (...args) {
    observe(args);
    return original.apply(this, args);
  };
}

observeCalls(pg.Client.prototype, 'query', ([first]) =>
  count(typeof first === 'object' && first !== null && 'text' in first ? first.text : first),
);
observeCalls(Worker.prototype, 'postMessage', ([message]) => {
  const op = message?.op;
  if (typeof op === 'string' && STATEMENT_MESSAGES.has(op)) count(message.sql ?? op);
});
process.on('message', (message) => {
  if (message === 'statements') process.send?.({ statements });
});
// The channel must not keep the process alive once its app has closed.
process.channel?.unref();
