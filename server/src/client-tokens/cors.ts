import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const ALLOWED_HEADERS = 'authorization, content-type, idempotency-key, accept, last-event-id, x-lumiku-retry-count';
const EXPOSED_HEADERS = 'x-request-id, retry-after, content-disposition';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * Answers CORS preflights for every origin. A preflight carries no credentials, so the check that
 * matters happens on the real request: its response names the origin only when the key (or the key
 * behind a client token) lists it in `corsOrigins` (see allowCorsOrigin). Credentials are bearer
 * tokens, never cookies, so no request rides on a browser's ambient session.
 */
export function registerCorsPreflight(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (request.method !== 'OPTIONS' || !origin || !request.headers['access-control-request-method']) return;
    await reply
      .code(204)
      .headers({
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': PREFLIGHT_MAX_AGE_SECONDS,
        vary: 'origin',
      })
      .send();
  });
}

/** Lets the browser read this response when its page's origin is one the key allows. */
export function allowCorsOrigin(request: FastifyRequest, reply: FastifyReply, corsOrigins: readonly string[]): void {
  const origin = request.headers.origin;
  reply.header('vary', 'origin');
  if (!origin || !corsOrigins.includes(origin)) return;
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-expose-headers', EXPOSED_HEADERS);
}
