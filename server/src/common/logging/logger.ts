import type { LoggerService } from '@nestjs/common';
import { randomFillSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';

export function createLogger(config: Pick<AppConfig, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: undefined, redact: ['req.headers.authorization'] });
}

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const REQUEST_ID_BYTES = 12;
/** Random bytes for 256 ids at a time: one call into the system's generator per request was a visible cost. */
const idPool = Buffer.alloc(REQUEST_ID_BYTES * 256);
let idPoolOffset = idPool.length;

/** Keeps a well-formed `x-request-id` from the caller (a proxy's or an SDK's), else makes one. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  if (typeof given === 'string' && CLIENT_REQUEST_ID.test(given)) return given;
  if (idPoolOffset === idPool.length) {
    randomFillSync(idPool);
    idPoolOffset = 0;
  }
  idPoolOffset += REQUEST_ID_BYTES;
  return `req_${idPool.toString('base64url', idPoolOffset - REQUEST_ID_BYTES, idPoolOffset)}`;
}

/** One in this many successful reads still logs at info, so traffic stays visible without a line per read. */
export const READ_LOG_SAMPLE = 100;
/** A read slower than this always logs at info, whatever the sample. */
const SLOW_REQUEST_MS = 1000;

/**
 * One line per request once it is answered, instead of Fastify's two. Writes, refusals and errors (status 400
 * and up) and slow reads log at info; other reads (GET/HEAD under 400) at debug, one in READ_LOG_SAMPLE of
 * them at info with `sampled` set: writing a line per read was a visible share of a hot list's CPU time.
 * Health probes arrive every few seconds from load balancers, so they never leave debug.
 */
export function logRequests(fastify: FastifyInstance): void {
  let reads = 0;
  // A callback hook, not an async one: this runs on every answer, and a promise per request shows in profiles.
  fastify.addHook('onResponse', (request, reply, done) => {
    const ms = Math.round(reply.elapsedTime);
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, ms };
    const quietRead =
      (request.method === 'GET' || request.method === 'HEAD') && reply.statusCode < 400 && ms < SLOW_REQUEST_MS;
    if (request.url.startsWith('/health')) request.log.debug(line, 'request');
    else if (!quietRead) request.log.info(line, 'request');
    else if (++reads % READ_LOG_SAMPLE === 0) request.log.info({ ...line, sampled: READ_LOG_SAMPLE }, 'request');
    else request.log.debug(line, 'request');
    done();
  });
}

/** Start-up chatter (every module loaded, every route mapped): useful when debugging, noise otherwise. */
const NEST_STARTUP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** Sends Nest's own log lines through the same pino logger; its start-up lines at debug. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    if (context !== undefined && NEST_STARTUP_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
