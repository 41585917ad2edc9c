import { Injectable } from '@nestjs/common';
import { DatabaseService, type TransactionClient } from '../infra/database/database.service.js';

export interface StoredObjectFields {
  key: string;
  contentType: string;
  size: number;
  width: number;
  height: number;
}

/** Rows describing files in object storage; the files themselves are the ObjectStorage's. */
@Injectable()
export class StoredObjectsRepository {
  constructor(private readonly database: DatabaseService) {}

  transaction<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.database.transaction(work);
  }

  async create(userId: string, fields: StoredObjectFields, tx: TransactionClient): Promise<string> {
    const row = await tx.storedObject.create({ data: { ...fields, userId }, select: { id: true } });
    return row.id;
  }

  async deleteByIds(ids: string[], tx: TransactionClient): Promise<void> {
    await tx.storedObject.deleteMany({ where: { id: { in: ids } } });
  }
}
