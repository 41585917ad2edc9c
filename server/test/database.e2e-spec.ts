import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MIGRATIONS_DIR, readMigrationsList } from '../src/infra/database/schema-engine.js';
import { laneName } from './support/lanes.js';
import { createTestStorage, startTestApp, type TestApp } from './support/test-app.js';

describe(`database on the ${laneName} lane (e2e)`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(() => t.close());

  it('records every committed migration in _prisma_migrations with the checksum prisma migrate deploy uses', async () => {
    const { migrationDirectories } = await readMigrationsList();
    const ledger = await t.database.client.$queryRaw<
      Array<{ migration_name: string; checksum: string; finished_at: Date | null }>
    >`
      SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name`;
    expect(ledger.map((row) => row.migration_name)).toEqual(migrationDirectories.map((folder) => folder.path));
    for (const row of ledger) {
      const sql = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).not.toBeNull();
    }
  });

  it('applies nothing twice', async () => {
    expect(await t.database.migrate()).toEqual([]);
  });

  it('commits a transaction that queries only through its own client', async () => {
    const email = `tx-${Date.now()}@example.com`;
    const user = await t.database.transaction(async (tx) => {
      const created = await tx.user.create({ data: { email, name: 'tx' } });
      await tx.brandKit.create({ data: { userId: created.id, brandName: 'In tx' } });
      expect(await tx.brandKit.count({ where: { userId: created.id } })).toBe(1);
      return created;
    });
    expect(await t.database.client.brandKit.count({ where: { userId: user.id } })).toBe(1);
  });

  it('rolls a failed transaction back whole', async () => {
    const email = `rollback-${Date.now()}@example.com`;
    await expect(
      t.database.transaction(async (tx) => {
        await tx.user.create({ data: { email, name: 'rollback' } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await t.database.client.user.count({ where: { email } })).toBe(0);
  });

  it('runs concurrent transactions to completion', async () => {
    const emails = Array.from({ length: 10 }, (_, index) => `concurrent-${index}-${Date.now()}@example.com`);
    await Promise.all(
      emails.map((email) =>
        t.database.transaction(async (tx) => {
          const user = await tx.user.create({ data: { email, name: 'c' } });
          await tx.brandKit.create({ data: { userId: user.id, brandName: email } });
        }),
      ),
    );
    expect(await t.database.client.user.count({ where: { email: { in: emails } } })).toBe(10);
  });
});

describe(`restart on the same storage (${laneName} lane, e2e)`, () => {
  it('keeps the data across a restart', async () => {
    const storage = await createTestStorage();
    try {
      const first = await startTestApp({ storage });
      const user = await first.createUser();
      const kit = await first.request('POST', '/v1/brand-kits', { key: user.apiKey, body: { brandName: 'Survivor' } });
      await first.close();

      const second = await startTestApp({ storage });
      const read = await second.request('GET', `/v1/brand-kits/${kit.body.id}`, { key: user.apiKey });
      expect(read.status).toBe(200);
      expect(read.body.brandName).toBe('Survivor');
      await second.close();
    } finally {
      await storage.dispose();
    }
  });
});
