import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client.js';
import { DatabaseService, type TransactionClient } from '../infra/database/database.service.js';

const withObjectKeys = {
  original: { select: { key: true } },
  cutout: { select: { key: true } },
  thumbnail: { select: { key: true } },
} satisfies Prisma.ProductInclude;

export type ProductRow = Prisma.ProductGetPayload<{ include: typeof withObjectKeys }>;
export type ProductFields = Omit<Prisma.ProductUncheckedCreateInput, 'id' | 'userId' | 'createdAt' | 'updatedAt'>;

/** Product queries; every one is scoped to the owning user. */
@Injectable()
export class ProductsRepository {
  constructor(private readonly database: DatabaseService) {}

  transaction<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.database.transaction(work);
  }

  create(userId: string, fields: ProductFields, tx: TransactionClient): Promise<ProductRow> {
    return tx.product.create({ data: { ...fields, userId }, include: withObjectKeys });
  }

  findOwned(userId: string, id: string, tx: TransactionClient = this.database.client): Promise<ProductRow | null> {
    return tx.product.findFirst({ where: { id, userId }, include: withObjectKeys });
  }

  list(
    userId: string,
    brandKitId: string | undefined,
    limit: number,
    beforeId: string | undefined,
  ): Promise<ProductRow[]> {
    return this.database.client.product.findMany({
      where: { userId, ...(brandKitId ? { brandKitId } : {}), ...(beforeId ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
      include: withObjectKeys,
    });
  }

  update(id: string, fields: Partial<ProductFields>, tx: TransactionClient): Promise<ProductRow> {
    return tx.product.update({ where: { id }, data: fields, include: withObjectKeys });
  }

  async delete(id: string, tx: TransactionClient): Promise<void> {
    await tx.product.delete({ where: { id } });
  }
}
