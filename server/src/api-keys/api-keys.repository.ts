import { Injectable } from '@nestjs/common';
import { DatabaseService, type TransactionClient } from '../infra/database/database.service.js';

export interface NewApiKey {
  userId: string;
  name: string;
  prefix: string;
  hash: string;
  corsOrigins?: string[];
}

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly database: DatabaseService) {}

  create(key: NewApiKey, tx: TransactionClient = this.database.client) {
    return tx.apiKey.create({ data: key });
  }

  findActiveByHash(hash: string) {
    return this.database.client.apiKey.findFirst({ where: { hash, revokedAt: null } });
  }

  findActiveById(id: string) {
    return this.database.client.apiKey.findFirst({ where: { id, revokedAt: null } });
  }

  findByHash(hash: string) {
    return this.database.client.apiKey.findUnique({ where: { hash } });
  }

  listForUser(userId: string, limit: number, beforeId: string | undefined) {
    return this.database.client.apiKey.findMany({
      where: { userId, ...(beforeId ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
  }

  /** Revokes a key of this user; null when it is not theirs. */
  async revoke(userId: string, id: string) {
    const { count } = await this.database.client.apiKey.updateMany({
      where: { id, userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) return this.database.client.apiKey.findFirst({ where: { id, userId } });
    return this.database.client.apiKey.findUnique({ where: { id } });
  }

  reactivate(id: string) {
    return this.database.client.apiKey.update({ where: { id }, data: { revokedAt: null } });
  }

  async recordUse(id: string, at: Date): Promise<void> {
    await this.database.client.apiKey.update({ where: { id }, data: { lastUsedAt: at } });
  }
}
