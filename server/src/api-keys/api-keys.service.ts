import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { AuthContext } from '../auth/auth-context.js';
import { displayPrefix, generateApiKey, hashApiKey, looksLikeApiKey } from './api-key-format.js';
import { ProblemException } from '../common/errors/problem.js';
import { decodeCursor, toPage, type Page } from '../common/pagination/pagination.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { TransactionClient } from '../infra/database/database.service.js';
import type { EventBus } from '../infra/events/event-bus.js';
import { EVENT_BUS } from '../infra/events/events.module.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import type { ApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto.js';
import { VerifiedKeyCache, type VerifiedKey } from './verified-key-cache.js';

/** Every API process drops a key named on this channel from its cache of verified keys. */
export const API_KEY_REVOKED_CHANNEL = 'api-keys.revoked';
interface KeyRevokedEvent {
  id: string;
}

/** lastUsedAt is recorded at most once a minute per key, so reads stay reads. */
const LAST_USED_RESOLUTION_MS = 60_000;

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

const verifiedKeyOf = (row: ApiKeyRow): VerifiedKey => ({
  id: row.id,
  userId: row.userId,
  corsOrigins: row.corsOrigins,
  lastUsedAt: row.lastUsedAt,
});

/**
 * API keys: minting, revoking, and checking a presented secret. Checked keys are cached per process for
 * API_KEY_CACHE_TTL; a revocation drops the key at once here and, over the event bus, in every other process.
 */
@Injectable()
export class ApiKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly verified: VerifiedKeyCache;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly repository: ApiKeysRepository,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.verified = new VerifiedKeyCache(config.caches.apiKeyTtlMs);
  }

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.bus.subscribe(API_KEY_REVOKED_CHANNEL, (event) => {
      const { id } = event as KeyRevokedEvent;
      if (typeof id === 'string') this.verified.forget(id);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.();
  }

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
    const hash = hashApiKey(secret);
    let key = this.verified.get(`hash:${hash}`);
    if (!key) {
      const readStartedAt = Date.now();
      const row = await this.repository.findActiveByHash(hash);
      if (!row) return undefined;
      key = verifiedKeyOf(row);
      this.verified.set(`hash:${hash}`, key, readStartedAt);
    }
    await this.recordUse(key);
    return { auth: { userId: key.userId, apiKeyId: key.id }, corsOrigins: key.corsOrigins };
  }

  /** An unrevoked key by id: client tokens are valid only while the key that minted them is. */
  async findActive(id: string): Promise<Pick<VerifiedKey, 'userId' | 'corsOrigins'> | undefined> {
    const lookup = `id:${id}`;
    const cached = this.verified.get(lookup);
    if (cached) return cached;
    const readStartedAt = Date.now();
    const row = await this.repository.findActiveById(id);
    if (!row) return undefined;
    const key = verifiedKeyOf(row);
    this.verified.set(lookup, key, readStartedAt);
    return key;
  }

  async list(userId: string, limit: number, cursor: string | undefined): Promise<Page<ApiKeyDto>> {
    const rows = await this.repository.listForUser(userId, limit, decodeCursor(cursor));
    return toPage(rows, limit, toDto);
  }

  async revoke(userId: string, id: string): Promise<ApiKeyDto> {
    const row = await this.repository.revoke(userId, id);
    if (!row) throw ProblemException.notFound('API key');
    this.verified.forget(row.id);
    try {
      await this.bus.publish(API_KEY_REVOKED_CHANNEL, { id: row.id } satisfies KeyRevokedEvent);
    } catch (error) {
      // The revocation is stored; other processes stop trusting the key when their cached check expires.
      this.logger.warn(`could not announce the revocation of key ${row.id}: ${(error as Error).message}`);
    }
    return toDto(row);
  }

  /** Marks the key used; the timestamp moves before the write so concurrent requests write it once. */
  private async recordUse(key: VerifiedKey): Promise<void> {
    const now = Date.now();
    if (key.lastUsedAt && now - key.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
    key.lastUsedAt = new Date(now);
    await this.repository.recordUse(key.id, key.lastUsedAt);
  }
}
