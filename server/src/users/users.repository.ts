import { Injectable } from '@nestjs/common';
import { DatabaseService, type TransactionClient } from '../infra/database/database.service.js';

@Injectable()
export class UsersRepository {
  constructor(private readonly database: DatabaseService) {}

  create(data: { email: string; name: string }, tx: TransactionClient) {
    return tx.user.create({ data });
  }

  upsertByEmail(data: { email: string; name: string }) {
    return this.database.client.user.upsert({ where: { email: data.email }, create: data, update: {} });
  }

  count() {
    return this.database.client.user.count();
  }
}
