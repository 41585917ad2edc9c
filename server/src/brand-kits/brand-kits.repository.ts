import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client.js';
import { DatabaseService, type TransactionClient } from '../infra/database/database.service.js';

const withDefaultFlag = { defaultOf: { select: { id: true } } } satisfies Prisma.BrandKitInclude;

export type BrandKitRow = Prisma.BrandKitGetPayload<{ include: typeof withDefaultFlag }>;
export type BrandKitFields = Omit<Prisma.BrandKitUncheckedCreateInput, 'id' | 'userId' | 'createdAt' | 'updatedAt'>;

/** Brand kit queries; every one is scoped to the owning user. */
@Injectable()
export class BrandKitsRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Runs a write to the user's kits with the user's row locked first. Without the lock, two concurrent
   * creates deadlock on PostgreSQL: each insert share-locks the user row (foreign key), then each wants the
   * row for itself to set the unique `defaultBrandKitId`.
   */
  transactionForOwner<T>(userId: string, work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.database.transaction(async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM "User" WHERE "id" = ${userId}::uuid FOR UPDATE`;
      return work(tx);
    });
  }

  create(userId: string, fields: BrandKitFields, tx: TransactionClient): Promise<BrandKitRow> {
    return tx.brandKit.create({ data: { ...fields, userId }, include: withDefaultFlag });
  }

  findOwned(userId: string, id: string, tx: TransactionClient = this.database.client): Promise<BrandKitRow | null> {
    return tx.brandKit.findFirst({ where: { id, userId }, include: withDefaultFlag });
  }

  list(userId: string, limit: number, beforeId: string | undefined): Promise<BrandKitRow[]> {
    return this.database.client.brandKit.findMany({
      where: { userId, ...(beforeId ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
      include: withDefaultFlag,
    });
  }

  update(id: string, fields: Partial<BrandKitFields>, tx: TransactionClient): Promise<BrandKitRow> {
    return tx.brandKit.update({ where: { id }, data: fields, include: withDefaultFlag });
  }

  /** Points the user's default at a kit; with `onlyIfUnset`, only when the user has none yet. */
  async setDefault(
    userId: string,
    brandKitId: string | null,
    tx: TransactionClient,
    onlyIfUnset = false,
  ): Promise<void> {
    await tx.user.updateMany({
      where: { id: userId, ...(onlyIfUnset ? { defaultBrandKitId: null } : {}) },
      data: { defaultBrandKitId: brandKitId },
    });
  }

  async countReferences(id: string, tx: TransactionClient): Promise<{ avatars: number; products: number }> {
    const [avatars, products] = await Promise.all([
      tx.avatar.count({ where: { brandKitId: id } }),
      tx.product.count({ where: { brandKitId: id } }),
    ]);
    return { avatars, products };
  }

  async delete(id: string, tx: TransactionClient): Promise<void> {
    await tx.brandKit.delete({ where: { id } });
  }
}
