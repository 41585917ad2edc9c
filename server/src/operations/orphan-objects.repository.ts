import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../infra/database/database.service.js';

@Injectable()
export class OrphanObjectsRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Which of these object keys a StoredObject row names. */
  async recordedKeys(keys: string[]): Promise<Set<string>> {
    const rows = await this.database.client.storedObject.findMany({
      where: { key: { in: keys } },
      select: { key: true },
    });
    return new Set(rows.map((row) => row.key));
  }
}
