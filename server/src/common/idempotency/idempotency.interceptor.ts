import {
  HttpException,
  Inject,
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ProblemCode, ProblemException } from '../errors/problem.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { IdempotencyScope } from './idempotency-scope.js';
import { IdempotencyRepository, type IdempotencyClaim } from './idempotency.repository.js';

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
 * What identifies the request's content. A multipart body is still unread when the key is claimed (it streams
 * to the handler), so an upload is told apart by its size: reusing a key for another file of the very same
 * size replays the first answer, as docs/pose-library.md warns.
 */
function requestContent(request: FastifyRequest): string {
  if (request.isMultipart()) return `multipart ${request.headers['content-length'] ?? 'chunked'}`;
  return canonicalJson(request.body ?? null);
}

/**
 * Stripe-style idempotency, scoped to the caller: the first response to a key
 * is stored for 24 hours and replayed; the same key with another body is 422;
 * a duplicate while the first is still running is 409. A key held by a request
 * that died is free again after IDEMPOTENCY_LEASE_MS; refused first runs (4xx)
 * are forgotten, so the client may correct the request and retry with the key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly repository: IdempotencyRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
      .update(`${request.method} ${path}\n${requestContent(request)}`)
      .digest('hex');
    const now = new Date();
    const record = { userId, key, method: request.method, path, fingerprint };
    const leaseUntil = new Date(now.getTime() + this.config.idempotencyLeaseMs);
    const recordId = await this.claim({ ...record, expiresAt: leaseUntil }, now);
    if (!recordId) return this.replay(reply, userId, key, fingerprint);

    try {
      const body = await IdempotencyScope.run(recordId, () =>
        lastValueFrom(next.handle(), { defaultValue: undefined }),
      );
      const keepUntil = new Date(Date.now() + IDEMPOTENCY_WINDOW_MS);
      await this.repository.complete(userId, key, reply.statusCode, body ?? null, keepUntil);
      return body;
    } catch (error) {
      // A refused request made nothing: forget the key. Anything else may have committed before it
      // failed, so the record stays and a retry of the same request takes it over (and its resource id).
      if (error instanceof HttpException && error.getStatus() < 500) await this.repository.release(userId, key);
      else await this.repository.endLease(userId, key);
      throw error;
    }
  }

  /**
   * The key record's id when this request may run: a fresh key, a completed record past its 24 hours,
   * or an in-progress record of the same request whose lease ran out (the request that held it died).
   */
  private async claim(claim: IdempotencyClaim, now: Date): Promise<string | undefined> {
    const claimed = await this.repository.claim(claim);
    if (claimed) return claimed;
    const existing = await this.repository.find(claim.userId, claim.key);
    if (!existing) return this.repository.claim(claim);
    if (existing.state === 'completed') {
      if (existing.expiresAt >= now) return undefined;
      await this.repository.release(claim.userId, claim.key, now);
      return this.repository.claim(claim);
    }
    const leaseOver = existing.expiresAt <= now && existing.fingerprint === claim.fingerprint;
    return leaseOver && (await this.repository.takeOver(existing.id, now, claim.expiresAt)) ? existing.id : undefined;
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
