import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The API's close, HTTP first: Nest's own `close()` stops the queue before the server, which would fail
 * requests still running. Fastify stops accepting (a request arriving on an open keep-alive connection gets
 * 503) and answers what it has received; each answer sent meanwhile carries `Connection: close`, so its
 * connection ends once the bytes are out instead of idling until its keep-alive timeout. Then the hooks
 * stop the workers and close the queue, Redis and the database. Call before `listen()`.
 */
export function drainHttpThenClose(app: NestFastifyApplication): () => Promise<void> {
  let draining = false;
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (_request, reply, payload) => {
      if (draining) void reply.header('connection', 'close');
      return payload;
    });
  return async () => {
    draining = true;
    await app.getHttpAdapter().close();
    await app.close();
  };
}
