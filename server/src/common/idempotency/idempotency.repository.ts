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

  /** Inserts the in-progress record; its id, or undefined when the key is already recorded for this user. */
  async claim(claim: IdempotencyClaim): Promise<string | undefined> {
    try {
      return (await this.database.client.idempotencyKey.create({ data: claim, select: { id: true } })).id;
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return undefined;
      throw error;
    }
  }

  find(userId: string, key: string) {
    return this.database.client.idempotencyKey.findUnique({ where: { userId_key: { userId, key } } });
  }

  /** Takes over an in-progress record whose lease ran out (its request died); false when another retry did. */
  async takeOver(id: string, now: Date, leaseUntil: Date): Promise<boolean> {
    const { count } = await this.database.client.idempotencyKey.updateMany({
      where: { id, state: 'in_progress', expiresAt: { lte: now } },
      data: { expiresAt: leaseUntil },
    });
    return count === 1;
  }

  async complete(
    userId: string,
    key: string,
    responseStatus: number,
    responseBody: unknown,
    expiresAt: Date,
  ): Promise<void> {
    await this.database.client.idempotencyKey.update({
      where: { userId_key: { userId, key } },
      data: { state: 'completed', responseStatus, responseBody: responseBody as Prisma.InputJsonValue, expiresAt },
    });
  }

  /** Ends the lease now: a retry of the same request may take the record over at once. */
  async endLease(userId: string, key: string): Promise<void> {
    await this.database.client.idempotencyKey.updateMany({
      where: { userId, key, state: 'in_progress' },
      data: { expiresAt: new Date() },
    });
  }

  /** Forgets a key so the request can be sent again (its first run was refused, or it expired). */
  async release(userId: string, key: string, onlyIfExpiredBefore?: Date): Promise<void> {
    await this.database.client.idempotencyKey.deleteMany({
      where: { userId, key, ...(onlyIfExpiredBefore ? { expiresAt: { lt: onlyIfExpiredBefore } } : {}) },
    });
  }
}
