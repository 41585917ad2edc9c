import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { answerMethodNotAllowed } from './method-not-allowed.js';
import { sendProblem } from './problem.filter.js';

/**
 * The Fastify adapter with every answer Fastify gives by itself in problem+json. The error handler is set at
 * construction, before any route exists, so every route keeps it: body-parser errors (malformed or over-deep
 * JSON, 413, 415) answer problem+json even when a plugin registered during init boots routes early. Nest's
 * own handler, installed at init, would only reach the same filter by a detour, and setting a second one
 * makes Fastify warn (FSTWRN004), so it is not installed.
 */
export class ProblemFastifyAdapter extends FastifyAdapter {
  constructor(options: Omit<FastifyServerOptions, 'frameworkErrors'>) {
    super({
      ...options,
      // Answers Fastify gives before any route runs (a 5,000-character path id: 414, a bad URL: 400).
      frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
        sendProblem(error, request, reply);
      },
    });
    const fastify = this.getInstance();
    fastify.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
    answerMethodNotAllowed(fastify);
  }

  override setErrorHandler(): ReturnType<FastifyAdapter['setErrorHandler']> {
    return this.getInstance();
  }
}
