import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service.js';

/** The ServerState table: small facts the server keeps about its own database, by key. */
@Injectable()
export class ServerStateStore {
  constructor(private readonly database: DatabaseService) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.database.client.serverState.findUnique({ where: { key } }))?.value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.database.client.serverState.upsert({ where: { key }, create: { key, value }, update: { value } });
  }
}
