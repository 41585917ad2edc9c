import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ClientTokenScope } from '../client-tokens/client-token-scopes.js';

/** Who is calling: every repository query is scoped to `userId`. */
export interface AuthContext {
  userId: string;
  apiKeyId: string;
  /** Set when the caller used a client token: the brand kit and scopes it is limited to. */
  clientToken?: { brandKitId: string; scopes: ClientTokenScope[] };
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}

export const ACCESS_METADATA = 'lumiku:access';
export type RouteAccess = 'public' | 'admin';

/** No credentials needed (health checks, signed file URLs). */
export const Public = () => SetMetadata(ACCESS_METADATA, 'public' satisfies RouteAccess);
/** `Authorization: Bearer <ADMIN_TOKEN>` instead of an API key. */
export const AdminOnly = () => SetMetadata(ACCESS_METADATA, 'admin' satisfies RouteAccess);

export const CurrentAuth = createParamDecorator((_data: unknown, context: ExecutionContext): AuthContext => {
  const auth = context.switchToHttp().getRequest<FastifyRequest>().auth;
  if (!auth) throw new Error('CurrentAuth used on a route without API key authentication');
  return auth;
});
