import { Injectable } from '@nestjs/common';
import { DatabaseService, type TransactionClient } from '../infra/database/database.service.js';

@Injectable()
export class UsersRepository {
  constructor(private readonly database: DatabaseService) {}

  create(data: { email: string; name: string; creditQuota: number | null }, tx: TransactionClient) {
    return tx.user.create({ data });
  }

  /** The updated row, or null when there is no such user. */
  async update(id: string, data: { name?: string; creditQuota?: number | null }) {
    const { count } = await this.database.client.user.updateMany({ where: { id }, data });
    return count === 0 ? null : this.database.client.user.findUnique({ where: { id } });
  }

  upsertByEmail(data: { email: string; name: string }) {
    return this.database.client.user.upsert({ where: { email: data.email }, create: data, update: {} });
  }

  count() {
    return this.database.client.user.count();
  }
}
