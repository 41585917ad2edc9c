import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client.js';
import { DatabaseService, type TransactionClient } from '../infra/database/database.service.js';

const withObjectKeys = {
  image: { select: { key: true } },
  thumbnail: { select: { key: true } },
} satisfies Prisma.AvatarInclude;

export type AvatarRow = Prisma.AvatarGetPayload<{ include: typeof withObjectKeys }>;
export type AvatarFields = Omit<Prisma.AvatarUncheckedCreateInput, 'id' | 'userId' | 'createdAt' | 'updatedAt'>;

/** Avatar queries; every one is scoped to the owning user. */
@Injectable()
export class AvatarsRepository {
  constructor(private readonly database: DatabaseService) {}

  transaction<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.database.transaction(work);
  }

  create(userId: string, fields: AvatarFields, tx: TransactionClient): Promise<AvatarRow> {
    return tx.avatar.create({ data: { ...fields, userId }, include: withObjectKeys });
  }

  findOwned(userId: string, id: string, tx: TransactionClient = this.database.client): Promise<AvatarRow | null> {
    return tx.avatar.findFirst({ where: { id, userId }, include: withObjectKeys });
  }

  list(
    userId: string,
    brandKitId: string | undefined,
    limit: number,
    beforeId: string | undefined,
  ): Promise<AvatarRow[]> {
    return this.database.client.avatar.findMany({
      where: { userId, ...(brandKitId ? { brandKitId } : {}), ...(beforeId ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
      include: withObjectKeys,
    });
  }

  update(id: string, fields: Partial<AvatarFields>, tx: TransactionClient): Promise<AvatarRow> {
    return tx.avatar.update({ where: { id }, data: fields, include: withObjectKeys });
  }

  async delete(id: string, tx: TransactionClient): Promise<void> {
    await tx.avatar.delete({ where: { id } });
  }
}
