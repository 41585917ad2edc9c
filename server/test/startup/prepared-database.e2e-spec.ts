import { Logger } from '@nestjs/common';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/bootstrap.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { DatabaseService } from '../../src/infra/database/database.service.js';
import { restorePreparedDatabase, type PreparedManifest } from '../../src/infra/database/prepared-database.js';
import { applyPendingMigrations, readCommittedMigrations } from '../../src/infra/database/schema-engine.js';
import { ServerStateStore } from '../../src/infra/database/server-state.store.js';
import { buildOpenApiDocument } from '../../src/openapi-document.js';
import { prepareDatabase } from '../../src/prepare-database.js';
import { LIBRARY_FINGERPRINT_KEY, PoseLibrarySeeder } from '../../src/pose-templates/pose-library.seeder.js';
import { PoseTemplatesRepository } from '../../src/pose-templates/pose-templates.repository.js';
import { laneName } from '../support/lanes.js';
import { createTestStorage, startTestApp } from '../support/test-app.js';
import { POSE_FIXTURES_DIR, havePoseFixtures } from '../pose-templates/pose-fixtures.js';

/** An embedded database opened the way the server opens it (DatabaseService), on a directory of the test's. */
async function openEmbedded(dataDir: string, env: Record<string, string> = {}) {
  const config: AppConfig = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  const database = new DatabaseService(config);
  // The directory is restored (or not) by the test itself, so the build's copy never takes part.
  await database.open({ preparedDir: undefined });
  const seeder = new PoseLibrarySeeder(new PoseTemplatesRepository(database), new ServerStateStore(database), config);
  return { database, seeder, close: () => database.onApplicationShutdown() };
}

type Row = Record<string, unknown>;

/** Everything but ids and timestamps, which differ between any two databases made the same way. */
async function contentOf(database: DatabaseService) {
  const client = database.client;
  const tables = await client.$queryRaw<Array<{ table_name: string }>>`
    SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`;
  const counts: Record<string, number> = {};
  for (const { table_name: table } of tables) {
    const [row] = await client.$queryRawUnsafe<Array<{ count: bigint }>>(`SELECT count(*) AS count FROM "${table}"`);
    counts[table] = Number(row.count);
  }
  const ledger = await client.$queryRaw<Row[]>`
    SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at, applied_steps_count, logs
      FROM _prisma_migrations ORDER BY migration_name`;
  const templates = await client.poseTemplate.findMany({
    omit: { id: true, createdAt: true, updatedAt: true },
    orderBy: { sourceRef: 'asc' },
  });
  const state = await client.serverState.findMany({ select: { key: true, value: true }, orderBy: { key: 'asc' } });
  return { counts, ledger, templates, state };
}

const dirs: string[] = [];
let preparedDir: string;

const tempDir = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'lumiku-startup-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  Logger.overrideLogger(false);
  preparedDir = path.join(await tempDir(), 'prepared-db');
  await prepareDatabase(preparedDir);
}, 300_000);

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  Logger.overrideLogger(['log', 'error', 'warn']);
});

describe(`prepared database for a fresh DATA_DIR (PGlite, ${laneName} lane)`, () => {
  let reference: Awaited<ReturnType<typeof openEmbedded>>;
  let referenceContent: Awaited<ReturnType<typeof contentOf>>;

  /** A fresh DATA_DIR restored from the prepared copy, opened as the server would. */
  async function restored(env: Record<string, string> = {}) {
    const dataDir = await tempDir();
    expect(await restorePreparedDatabase(preparedDir, path.join(dataDir, 'pglite'))).toBe(true);
    return openEmbedded(dataDir, env);
  }

  beforeAll(async () => {
    // What a first start without the prepared copy makes: initdb, every migration, then the seeder.
    reference = await openEmbedded(await tempDir());
    expect((await reference.seeder.syncLibrary()).synced).toBe(true);
    referenceContent = await contentOf(reference.database);
  }, 300_000);

  afterAll(() => reference?.close());

  it('holds what migrating and seeding a fresh directory makes: ledger, templates, state, no users', async () => {
    expect(referenceContent.counts.PoseTemplate).toBeGreaterThanOrEqual(600);
    expect(referenceContent.counts.User).toBe(0);
    expect(referenceContent.ledger.map((row) => row.migration_name)).toEqual(
      (await readCommittedMigrations()).map((entry) => entry.name),
    );
    const copy = await restored();
    try {
      expect(await copy.database.migrate()).toEqual([]);
      expect(await contentOf(copy.database)).toEqual(referenceContent);
      // The copy's fingerprint is the running code's, so the first start compares no template.
      expect(await copy.seeder.syncLibrary()).toEqual({ synced: false });
    } finally {
      await copy.close();
    }
  });

  (havePoseFixtures ? it : it.skip)('still imports POSE_DATASET_PATH after a restore', async () => {
    const copy = await restored({ POSE_DATASET_PATH: POSE_FIXTURES_DIR });
    try {
      const result = await copy.seeder.syncLibrary();
      expect(result).toMatchObject({ synced: true, builtin: { created: 0, updated: 0, retired: 0 } });
      expect(result.synced && result.dataset?.created).toBe(30);
      expect(await copy.seeder.syncLibrary()).toEqual({ synced: false });
    } finally {
      await copy.close();
    }
  });

  it('is used only for an empty directory and only when made from the committed migrations', async () => {
    const occupied = path.join(await tempDir(), 'pglite');
    await mkdir(occupied);
    await writeFile(path.join(occupied, 'PG_VERSION'), '18\n');
    expect(await restorePreparedDatabase(preparedDir, occupied)).toBe(false);
    expect(await readFile(path.join(occupied, 'PG_VERSION'), 'utf8')).toBe('18\n');

    const edited = path.join(await tempDir(), 'prepared-db');
    await cp(preparedDir, edited, { recursive: true });
    const manifest = JSON.parse(await readFile(path.join(edited, 'manifest.json'), 'utf8')) as PreparedManifest;
    manifest.migrations[0].checksum = '0'.repeat(64);
    await writeFile(path.join(edited, 'manifest.json'), JSON.stringify(manifest));
    expect(await restorePreparedDatabase(edited, path.join(await tempDir(), 'pglite'))).toBe(false);

    expect(
      await restorePreparedDatabase(path.join(await tempDir(), 'none'), path.join(await tempDir(), 'pglite')),
    ).toBe(false);
  });

  it('reads the ledger in one query and loads the schema engine only when a migration is not applied as committed', async () => {
    const copy = await restored();
    const client = copy.database.client;
    const engineNeeded = new Error('the schema engine was asked for');
    const pending = () =>
      applyPendingMigrations(
        () => {
          throw engineNeeded;
        },
        (sql) => client.$queryRawUnsafe<Row[]>(sql),
      );
    try {
      await expect(pending()).resolves.toEqual([]);
      const last = (await readCommittedMigrations()).at(-1)!;
      await client.$executeRaw`UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = ${last.name}`;
      await expect(pending()).rejects.toBe(engineNeeded);
      await client.$executeRaw`UPDATE _prisma_migrations SET finished_at = now(), checksum = 'edited'
                                WHERE migration_name = ${last.name}`;
      await expect(pending()).rejects.toBe(engineNeeded);
      await client.$executeRaw`DELETE FROM _prisma_migrations WHERE migration_name = ${last.name}`;
      await expect(pending()).rejects.toBe(engineNeeded);
      // No ledger at all (a new database) is the reference's case in beforeAll: the engine applied everything.
    } finally {
      await copy.close();
    }
  });

  it('syncs again when the stored fingerprint differs, and then not again', async () => {
    const copy = await restored();
    try {
      await copy.database.client.serverState.update({
        where: { key: LIBRARY_FINGERPRINT_KEY },
        data: { value: 'another library' },
      });
      expect(await copy.seeder.syncLibrary()).toMatchObject({
        synced: true,
        builtin: { created: 0, updated: 0, unchanged: referenceContent.counts.PoseTemplate, retired: 0 },
      });
      expect(await copy.seeder.syncLibrary()).toEqual({ synced: false });
    } finally {
      await copy.close();
    }
  });

  (havePoseFixtures ? it : it.skip)('fingerprints the dataset by its files: a changed file syncs again', async () => {
    const dataset = path.join(await tempDir(), 'poses');
    await cp(path.join(POSE_FIXTURES_DIR, 'coco_mmpose'), path.join(dataset, 'coco_mmpose'), { recursive: true });
    const copy = await restored({ POSE_DATASET_PATH: dataset });
    try {
      const before = await copy.seeder.libraryFingerprint();
      expect(before).toMatch(/^[0-9a-f]{64}$/);
      expect(await copy.seeder.libraryFingerprint()).toBe(before);
      await writeFile(path.join(dataset, 'coco_mmpose', 'added.json'), '{"people": []}');
      expect(await copy.seeder.libraryFingerprint()).not.toBe(before);
    } finally {
      await copy.close();
    }
  });
});

(laneName === 'embedded' ? describe : describe.skip)('a start on a restored DATA_DIR (embedded lane)', () => {
  it('creates the development user, serves the library and the same OpenAPI document', async () => {
    const storage = await createTestStorage();
    try {
      expect(await restorePreparedDatabase(preparedDir, path.join(storage.dataDir, 'pglite'))).toBe(true);
      const devKey = 'lk_test_prepared_database_dev_key';
      const t = await startTestApp({ storage, env: { DEV_API_KEY: devKey } });
      try {
        const kits = await t.request('GET', '/v1/brand-kits', { key: devKey });
        expect(kits.status).toBe(200);
        const templates = await t.request('GET', '/v1/pose-templates?limit=1', { key: devKey });
        expect(templates.body.data).toHaveLength(1);
        expect((await t.request('GET', '/health/ready')).status).toBe(200);

        // Built on the first request now, it must be what `npm run openapi` builds from an app never initialised.
        const served = await t.request('GET', '/openapi.json');
        const unstarted = await createApp(t.config);
        try {
          expect(served.body).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument(unstarted))));
        } finally {
          await unstarted.close();
        }
      } finally {
        await t.close();
      }
    } finally {
      await storage.dispose();
    }
  });
});
