import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { ProblemCode, ProblemException } from '../errors/problem.js';
import { RateLimitStore } from './rate-limit-store.js';

/** Counts by the bearer credential (hashed: no secret is kept), or by client address when there is none. */
function trackerOf(request: FastifyRequest): string {
  const token = /^Bearer\s+(\S+)/i.exec(request.headers.authorization ?? '')?.[1];
  return token ? `key:${createHash('sha256').update(token).digest('hex').slice(0, 32)}` : `ip:${request.ip}`;
}

const UNLIMITED_METADATA = 'lumiku:unlimited';
/** Routes outside the rate limit: health probes, which must answer whatever the callers and Redis do. */
export const Unlimited = () => SetMetadata(UNLIMITED_METADATA, true);

/**
 * Global per-key rate limit over every route together. Every answer carries the IETF RateLimit draft
 * headers; going over answers 429 problem+json with `Retry-After`.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly store: RateLimitStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(UNLIMITED_METADATA, [context.getHandler(), context.getClass()])) {
      return true;
    }
    const http = context.switchToHttp();
    const { requests: limit, windowMs } = this.config.rateLimit;
    const { hits, resetMs } = await this.store.hit(trackerOf(http.getRequest<FastifyRequest>()), windowMs);
    const resetSeconds = String(Math.max(1, Math.ceil(resetMs / 1000)));
    const headers = {
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': String(Math.max(0, limit - hits)),
      'ratelimit-reset': resetSeconds,
    };
    if (hits <= limit) {
      http.getResponse<FastifyReply>().headers(headers);
      return true;
    }
    throw new ProblemException(
      429,
      ProblemCode.RateLimited,
      `More than ${limit} requests in ${windowMs / 1000} s; retry after ${resetSeconds} s.`,
      undefined,
      { ...headers, 'retry-after': resetSeconds },
    );
  }
}
