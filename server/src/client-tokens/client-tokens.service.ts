import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import type { AuthContext } from '../auth/auth-context.js';
import { ProblemCode, ProblemException } from '../common/errors/problem.js';
import { readClientToken, signClientToken, type ClientTokenClaims } from './client-token-format.js';
import { clientTokenRoute, type ClientTokenScope } from './client-token-scopes.js';
import { ClientTokensRepository } from './client-tokens.repository.js';
import type { ClientTokenDto } from './dto/client-token.dto.js';
import { DEFAULT_CLIENT_TOKEN_TTL_SECONDS, type CreateClientTokenDto } from './dto/create-client-token.dto.js';

export const CLIENT_TOKEN_KEY = Symbol('CLIENT_TOKEN_KEY');

/** A verified client token: who it acts for and which browser origins its key allows. */
export interface ClientTokenGrant {
  auth: AuthContext;
  corsOrigins: string[];
}

const unauthorized = (detail: string) =>
  new ProblemException(401, ProblemCode.Unauthorized, detail, undefined, { 'www-authenticate': 'Bearer' });
const forbidden = (detail: string) => new ProblemException(403, ProblemCode.Forbidden, detail);

interface GenerationInputBody {
  brandKitId?: unknown;
  avatarId?: unknown;
  productId?: unknown;
}

@Injectable()
export class ClientTokensService {
  constructor(
    private readonly repository: ClientTokensRepository,
    private readonly apiKeys: ApiKeysService,
    @Inject(CLIENT_TOKEN_KEY) private readonly key: Buffer,
  ) {}

  async create(auth: AuthContext, input: CreateClientTokenDto): Promise<ClientTokenDto> {
    // A client token cannot mint another one (the route is not in its table), so this is always a secret key.
    if (!(await this.repository.ownsBrandKit(auth.userId, input.brandKitId)))
      throw ProblemException.notFound('Brand kit');
    const expiresAt = Math.floor(Date.now() / 1000) + (input.ttlSeconds ?? DEFAULT_CLIENT_TOKEN_TTL_SECONDS);
    const claims: ClientTokenClaims = {
      apiKeyId: auth.apiKeyId,
      userId: auth.userId,
      brandKitId: input.brandKitId,
      scopes: input.scopes,
      expiresAt,
    };
    return {
      token: signClientToken(claims, this.key),
      brandKitId: input.brandKitId,
      scopes: input.scopes,
      expiresAt: new Date(expiresAt * 1000).toISOString(),
    };
  }

  /** Verifies signature and key; an expired token still returns its grant so the 401 can carry CORS headers. */
  async authenticate(token: string): Promise<{ grant: ClientTokenGrant; expired: boolean }> {
    const claims = readClientToken(token, this.key);
    if (!claims) throw unauthorized('The client token is invalid.');
    // Revoking the API key that minted a token revokes the token too.
    const key = await this.apiKeys.findActive(claims.apiKeyId);
    if (!key || key.userId !== claims.userId) throw unauthorized('The API key behind this client token was revoked.');
    return {
      grant: {
        auth: {
          userId: claims.userId,
          apiKeyId: claims.apiKeyId,
          clientToken: { brandKitId: claims.brandKitId, scopes: claims.scopes as ClientTokenScope[] },
        },
        corsOrigins: key.corsOrigins,
      },
      expired: claims.expiresAt * 1000 <= Date.now(),
    };
  }

  /** Refuses what the token's scopes do not list, and resources outside its brand kit. */
  async authorize(request: FastifyRequest, auth: AuthContext): Promise<void> {
    const limits = auth.clientToken;
    if (!limits) return;
    const route = clientTokenRoute(request.method, request.routeOptions.url);
    if (!route) throw forbidden('Client tokens cannot use this route; call it from your server with an API key.');
    if (!limits.scopes.includes(route.scope)) throw forbidden(`This client token lacks the \`${route.scope}\` scope.`);
    if (route.brandKitCheck === 'generation') {
      const { id } = request.params as { id: string };
      const brandKitId = await this.repository.generationBrandKitId(auth.userId, id);
      if (brandKitId !== limits.brandKitId) throw ProblemException.notFound('Generation');
    } else if (route.brandKitCheck === 'generation-input') {
      await this.checkGenerationInput(request.body as GenerationInputBody | undefined, auth.userId, limits.brandKitId);
    }
  }

  private async checkGenerationInput(
    body: GenerationInputBody | undefined,
    userId: string,
    brandKitId: string,
  ): Promise<void> {
    if (!body || typeof body !== 'object') return; // the validation pipe answers 400
    if (body.brandKitId !== undefined && body.brandKitId !== brandKitId) {
      throw forbidden('This client token is limited to another brand kit.');
    }
    // Without it the server would default to the avatar's brand kit; pin it to the token's instead.
    body.brandKitId = brandKitId;
    const [avatarKit, productKit] = await Promise.all([
      typeof body.avatarId === 'string' ? this.repository.avatarBrandKitId(userId, body.avatarId) : undefined,
      typeof body.productId === 'string' ? this.repository.productBrandKitId(userId, body.productId) : undefined,
    ]);
    if (typeof body.avatarId === 'string' && avatarKit !== brandKitId) throw ProblemException.notFound('Avatar');
    if (typeof body.productId === 'string' && productKit !== brandKitId) throw ProblemException.notFound('Product');
  }
}
