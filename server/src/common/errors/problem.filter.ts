import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem.js';
import { renderProblem } from './problem-mapping.js';

/** Sends a problem+json answer for any error; shared by the Nest filter and Fastify's error handler. */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { body, headers, unexpected } = renderProblem(error, request);
  if (unexpected) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: body.code, status: body.status }, body.detail);
  return reply.status(body.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(body);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
