// Preloaded into a worker process by the throughput benchmark (`node --import`): counts the statements the
// process sends to PostgreSQL through pg.Client#query and answers the count over IPC.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../package.json', import.meta.url));
const pg = require('pg');
const original = pg.Client.prototype.query;
let statements = 0;
pg.Client.prototype.query = function (...args) {
  statements += 1;
  return original.apply(this, args);
};
process.on('message', (message) => {
  if (message === 'statements') process.send?.({ statements });
});
// The channel must not keep the worker alive once its app has closed.
process.channel?.unref();
