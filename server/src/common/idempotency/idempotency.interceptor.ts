import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ProblemCode, ProblemException } from '../errors/problem.js';
import { IdempotencyRepository } from './idempotency.repository.js';

export const IDEMPOTENT_ROUTE = 'lumiku:idempotent';
/** Routes that create work: an `Idempotency-Key` header makes retries safe. */
export const Idempotent = () => SetMetadata(IDEMPOTENT_ROUTE, true);

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_KEY_LENGTH = 255;

/** Key order must not matter: {a,b} and {b,a} are the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Stripe-style idempotency, scoped to the caller: the first response to a key
 * is stored for 24 hours and replayed; the same key with another body is 422;
 * a duplicate while the first is still running is 409. Failed first runs are
 * forgotten, so the client may retry with the same key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly repository: IdempotencyRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.reflector.get<boolean>(IDEMPOTENT_ROUTE, context.getHandler())) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (key === undefined || !request.auth) return next.handle();
    return from(this.handle(request, reply, String(key), request.auth.userId, next));
  }

  private async handle(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    userId: string,
    next: CallHandler,
  ): Promise<unknown> {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw new ProblemException(
        400,
        ProblemCode.InvalidRequest,
        `Idempotency-Key must be 1-${MAX_KEY_LENGTH} characters.`,
      );
    }
    const path = request.url.split('?')[0] ?? request.url;
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${path}\n${canonicalJson(request.body ?? null)}`)
      .digest('hex');
    const now = new Date();
    const record = { userId, key, method: request.method, path, fingerprint };
    const expiresAt = new Date(now.getTime() + IDEMPOTENCY_WINDOW_MS);
    let claimed = await this.repository.claim({ ...record, expiresAt });
    if (!claimed) {
      // An expired record protects nothing any more: forget it and claim the key afresh.
      await this.repository.release(userId, key, now);
      claimed = await this.repository.claim({ ...record, expiresAt });
    }
    if (!claimed) return this.replay(reply, userId, key, fingerprint);

    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.repository.complete(userId, key, reply.statusCode, body ?? null);
      return body;
    } catch (error) {
      await this.repository.release(userId, key);
      throw error;
    }
  }

  private async replay(reply: FastifyReply, userId: string, key: string, fingerprint: string): Promise<unknown> {
    const record = await this.repository.find(userId, key);
    if (!record) {
      throw new ProblemException(
        409,
        ProblemCode.IdempotencyInProgress,
        'A request with this Idempotency-Key just ended; retry it.',
      );
    }
    if (record.fingerprint !== fingerprint) {
      throw new ProblemException(
        422,
        ProblemCode.IdempotencyKeyReused,
        'This Idempotency-Key was used with a different request; use a new key for a new request.',
      );
    }
    if (record.state !== 'completed' || record.responseStatus === null) {
      throw new ProblemException(
        409,
        ProblemCode.IdempotencyInProgress,
        'A request with this Idempotency-Key is still being processed; retry later.',
        undefined,
        { 'retry-after': '1' },
      );
    }
    void reply.status(record.responseStatus).header(REPLAYED_HEADER, 'true');
    return record.responseBody;
  }
}
