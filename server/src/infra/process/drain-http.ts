import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { endEventStreams } from '../../common/sse.js';

/**
 * The API's close, HTTP first: Nest's own `close()` stops the queue before the server, which would fail
 * requests still running. Fastify stops accepting (a request arriving on an open keep-alive connection gets
 * 503) and answers what it has received; each answer sent meanwhile carries `Connection: close`, so its
 * connection ends once the bytes are out instead of idling until its keep-alive timeout. Open event streams
 * end at once (their clients reconnect elsewhere). Then the hooks
 * stop the workers and close the queue, Redis and the database. Call before `listen()`.
 */
export function drainHttpThenClose(app: NestFastifyApplication): () => Promise<void> {
  let draining = false;
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (_request, reply, payload) => {
    if (draining) void reply.header('connection', 'close');
    return payload;
  });
  return async () => {
    draining = true;
    const closed = app.getHttpAdapter().close();
    endEventStreams(fastify);
    await closed;
    await app.close();
  };
}
