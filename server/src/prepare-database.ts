import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from './config/app-config.js';
import { DatabaseService } from './infra/database/database.service.js';
import { savePreparedDatabase } from './infra/database/prepared-database.js';
import type { MigrationEntry } from './infra/database/schema-engine.js';
import { ServerStateStore } from './infra/database/server-state.store.js';
import { PoseLibrarySeeder } from './pose-templates/pose-library.seeder.js';
import { PoseTemplatesRepository } from './pose-templates/pose-templates.repository.js';

/**
 * Makes the prepared database (infra/database/prepared-database.ts) in `preparedDir`: a new PGlite directory
 * with every migration applied and the built-in pose library seeded, as the first start of the server would
 * leave it, but with no user and no key (those are made at start, as on any start).
 */
export async function prepareDatabase(preparedDir: string): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lumiku-prepared-db-'));
  try {
    // Only what this step sets: the environment's POSE_DATASET_PATH or DATABASE_URL must not reach the copy.
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const database = new DatabaseService(config);
    await database.open({ preparedDir: undefined });
    let migrations: MigrationEntry[];
    try {
      await new PoseLibrarySeeder(
        new PoseTemplatesRepository(database),
        new ServerStateStore(database),
        config,
      ).syncLibrary();
      const ledger = await database.client.$queryRaw<Array<{ migration_name: string; checksum: string }>>`
        SELECT migration_name, checksum FROM _prisma_migrations WHERE rolled_back_at IS NULL ORDER BY migration_name`;
      migrations = ledger.map((row) => ({ name: row.migration_name, checksum: row.checksum }));
    } finally {
      await database.onApplicationShutdown();
    }
    await savePreparedDatabase(path.join(dataDir, 'pglite'), migrations, preparedDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
