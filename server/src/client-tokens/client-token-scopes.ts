/** What a browser may do with a client token. Anything not listed here is refused. */
export enum ClientTokenScope {
  PosesRead = 'poses:read',
  GenerationsCreate = 'generations:create',
  GenerationsRead = 'generations:read',
}

/**
 * How a route's resources are tied to the token's brand kit: `generation` for routes whose `:id` is a
 * generation, `generation-input` for bodies naming an avatar, product and brand kit.
 */
export type BrandKitCheck = 'none' | 'generation' | 'generation-input';

interface ClientTokenRoute {
  scope: ClientTokenScope;
  brandKitCheck: BrandKitCheck;
}

const route = (scope: ClientTokenScope, brandKitCheck: BrandKitCheck = 'none'): ClientTokenRoute => ({
  scope,
  brandKitCheck,
});

/** Keyed by `METHOD /route/pattern` as Fastify registered it. */
const CLIENT_TOKEN_ROUTES = new Map<string, ClientTokenRoute>([
  ['GET /v1/pose-templates', route(ClientTokenScope.PosesRead)],
  ['GET /v1/pose-templates/categories', route(ClientTokenScope.PosesRead)],
  ['GET /v1/pose-templates/:id', route(ClientTokenScope.PosesRead)],
  ['GET /v1/pose-templates/:id/control-image', route(ClientTokenScope.PosesRead)],
  ['GET /v1/pose-templates/:id/similar', route(ClientTokenScope.PosesRead)],
  ['POST /v1/pose-detections', route(ClientTokenScope.PosesRead)],
  ['POST /v1/generations', route(ClientTokenScope.GenerationsCreate, 'generation-input')],
  ['POST /v1/generations/quote', route(ClientTokenScope.GenerationsCreate, 'generation-input')],
  ['GET /v1/generations/:id', route(ClientTokenScope.GenerationsRead, 'generation')],
  ['GET /v1/generations/:id/events', route(ClientTokenScope.GenerationsRead, 'generation')],
  ['GET /v1/generations/:id/poses', route(ClientTokenScope.GenerationsRead, 'generation')],
]);

export function clientTokenRoute(method: string, routePattern: string | undefined): ClientTokenRoute | undefined {
  return routePattern ? CLIENT_TOKEN_ROUTES.get(`${method} ${routePattern}`) : undefined;
}
