import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { ProblemCode, ProblemException } from '../errors/problem.js';
import { ACCESS_METADATA, type RouteAccess } from './auth-context.js';

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const unauthorized = (detail: string) =>
  new ProblemException(401, ProblemCode.Unauthorized, detail, undefined, { 'www-authenticate': 'Bearer' });

/** Global guard: every route needs an API key unless marked @Public() or @AdminOnly(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
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
    const auth = await this.apiKeys.authenticate(token);
    if (!auth) throw unauthorized('The API key is invalid or has been revoked.');
    request.auth = auth;
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
