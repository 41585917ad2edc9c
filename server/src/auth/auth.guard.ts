import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { looksLikeClientToken } from '../client-tokens/client-token-format.js';
import { ClientTokensService } from '../client-tokens/client-tokens.service.js';
import { allowCorsOrigin } from '../client-tokens/cors.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ProblemCode, ProblemException } from '../common/errors/problem.js';
import { ACCESS_METADATA, type RouteAccess } from './auth-context.js';

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Constant-time comparison of a presented secret with the expected one. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const unauthorized = (detail: string) =>
  new ProblemException(401, ProblemCode.Unauthorized, detail, undefined, { 'www-authenticate': 'Bearer' });

/**
 * Global guard: every route needs an API key, or a client token within its scopes, unless marked
 * @Public() or @AdminOnly().
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly clientTokens: ClientTokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request);
    if (access === 'admin') return this.checkAdmin(token);
    if (!token) throw unauthorized('Send your API key as `Authorization: Bearer <key>`.');
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (looksLikeClientToken(token)) {
      const { grant, expired } = await this.clientTokens.authenticate(token);
      // Set before any refusal, so the browser can read why it was refused.
      allowCorsOrigin(request, reply, grant.corsOrigins);
      if (expired) throw unauthorized('The client token has expired; ask your server for a new one.');
      await this.clientTokens.authorize(request, grant.auth);
      request.auth = grant.auth;
      return true;
    }
    const key = await this.apiKeys.authenticate(token);
    if (!key) throw unauthorized('The API key is invalid or has been revoked.');
    allowCorsOrigin(request, reply, key.corsOrigins);
    request.auth = key.auth;
    return true;
  }

  private checkAdmin(token: string | undefined): boolean {
    const adminToken = this.config.adminToken;
    if (!adminToken) {
      throw new ProblemException(403, ProblemCode.AdminDisabled, 'Admin routes are disabled: ADMIN_TOKEN is not set.');
    }
    if (!token || !sameSecret(token, adminToken))
      throw unauthorized('Admin routes need `Authorization: Bearer <ADMIN_TOKEN>`.');
    return true;
  }
}
