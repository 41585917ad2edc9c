import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../common/auth/auth-context.js';
import { displayPrefix, generateApiKey, hashApiKey, looksLikeApiKey } from '../common/auth/api-key-format.js';
import { ProblemException } from '../common/errors/problem.js';
import { decodeCursor, toPage, type Page } from '../common/pagination/pagination.js';
import type { TransactionClient } from '../infra/database/database.service.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import type { ApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto.js';

type ApiKeyRow = Awaited<ReturnType<ApiKeysRepository['create']>>;

function toDto(row: ApiKeyRow): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    corsOrigins: row.corsOrigins,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class ApiKeysService {
  constructor(private readonly repository: ApiKeysRepository) {}

  /** Mints a key; the secret is in this answer only. */
  async create(
    userId: string,
    name: string,
    { tx, corsOrigins = [] }: { tx?: TransactionClient; corsOrigins?: string[] } = {},
  ): Promise<CreatedApiKeyDto> {
    const secret = generateApiKey();
    const row = await this.repository.create(
      { userId, name, prefix: displayPrefix(secret), hash: hashApiKey(secret), corsOrigins },
      tx,
    );
    return { ...toDto(row), secret };
  }

  /** Stores a key whose secret the operator chose (DEV_API_KEY), or reactivates it. */
  async ensureKey(userId: string, name: string, secret: string): Promise<void> {
    const existing = await this.repository.findByHash(hashApiKey(secret));
    if (!existing) {
      await this.repository.create({ userId, name, prefix: displayPrefix(secret), hash: hashApiKey(secret) });
    } else if (existing.userId !== userId) {
      throw new Error('DEV_API_KEY already belongs to another user');
    } else if (existing.revokedAt) {
      await this.repository.reactivate(existing.id);
    }
  }

  /** The caller behind a secret key, and the browser origins the key allows. */
  async authenticate(secret: string): Promise<{ auth: AuthContext; corsOrigins: string[] } | undefined> {
    if (!looksLikeApiKey(secret)) return undefined;
    const key = await this.repository.findActiveByHash(hashApiKey(secret));
    if (!key) return undefined;
    await this.repository.touch(key.id, key.lastUsedAt);
    return { auth: { userId: key.userId, apiKeyId: key.id }, corsOrigins: key.corsOrigins };
  }

  /** An unrevoked key by id: client tokens are valid only while the key that minted them is. */
  findActive(id: string) {
    return this.repository.findActiveById(id);
  }

  async list(userId: string, limit: number, cursor: string | undefined): Promise<Page<ApiKeyDto>> {
    const rows = await this.repository.listForUser(userId, limit, decodeCursor(cursor));
    return toPage(rows, limit, toDto);
  }

  async revoke(userId: string, id: string): Promise<ApiKeyDto> {
    const row = await this.repository.revoke(userId, id);
    if (!row) throw ProblemException.notFound('API key');
    return toDto(row);
  }
}
