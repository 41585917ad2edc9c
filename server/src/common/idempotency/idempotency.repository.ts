import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client.js';
import { DatabaseService } from '../../infra/database/database.service.js';

export interface IdempotencyClaim {
  userId: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
  expiresAt: Date;
}

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Inserts the in-progress record; false when the key is already recorded for this user. */
  async claim(claim: IdempotencyClaim): Promise<boolean> {
    try {
      await this.database.client.idempotencyKey.create({ data: claim });
      return true;
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return false;
      throw error;
    }
  }

  find(userId: string, key: string) {
    return this.database.client.idempotencyKey.findUnique({ where: { userId_key: { userId, key } } });
  }

  async complete(userId: string, key: string, responseStatus: number, responseBody: unknown): Promise<void> {
    await this.database.client.idempotencyKey.update({
      where: { userId_key: { userId, key } },
      data: { state: 'completed', responseStatus, responseBody: responseBody as Prisma.InputJsonValue },
    });
  }

  /** Forgets a key so the request can be sent again (its first run failed, or it expired). */
  async release(userId: string, key: string, onlyIfExpiredBefore?: Date): Promise<void> {
    await this.database.client.idempotencyKey.deleteMany({
      where: { userId, key, ...(onlyIfExpiredBefore ? { expiresAt: { lt: onlyIfExpiredBefore } } : {}) },
    });
  }
}
