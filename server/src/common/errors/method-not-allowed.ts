import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyInstance } from 'fastify';
import { ProblemCode, ProblemException } from './problem.js';

const METHODS: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Answers 405 with `Allow` for a path that exists under other methods: Fastify answers 404 for any
 * method/path pair it has no route for. The routes are recorded as they are added, into a router of our
 * own that knows paths apart from methods; it is consulted only for requests that are already a 404.
 * Call before any route is added.
 */
export function answerMethodNotAllowed(fastify: FastifyInstance): void {
  const paths = FindMyWay({ ignoreTrailingSlash: false, caseSensitive: true });
  fastify.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    for (const method of methods) {
      if (METHODS.includes(method as HTTPMethod) && !paths.hasRoute(method as HTTPMethod, route.url)) {
        paths.on(method as HTTPMethod, route.url, () => undefined);
      }
    }
  });
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (!request.is404 || request.method === 'OPTIONS') return done();
    const path = request.url.split('?')[0] ?? request.url;
    const allowed = METHODS.filter((method) => paths.find(method, path) !== null);
    if (allowed.length === 0) return done();
    done(
      new ProblemException(
        405,
        ProblemCode.MethodNotAllowed,
        `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}.`,
        undefined,
        { allow: allowed.join(', ') },
      ),
    );
  });
}
