import type { PGlite } from '@electric-sql/pglite';
import { Logger } from '@nestjs/common';
import type { Pool, PoolConfig } from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../generated/prisma/client.js';
import { isConnectionLoss, isReadOperation } from './connection-errors.js';
import { openPGliteFiles, takeEarlyPGlite } from './pglite-files.js';
import { applyPendingMigrations } from './schema-engine.js';

export interface DatabaseConnection {
  kind: 'pglite' | 'postgresql';
  client: PrismaClient;
  /** True when this PGlite directory was just restored from the prepared database. */
  restored: boolean;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

/** Splits Prisma's `?schema=` parameter off a PostgreSQL URL. */
export function parseDatabaseUrl(databaseUrl: string): { connectionString: string; schema: string | undefined } {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema };
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A read that lost its connection (57P01 after pg_terminate_backend, a failover) runs once more on a fresh
 * pooled connection; writes are not retried, since they may have committed. What still fails reaches the
 * error filter, which answers 503 with Retry-After (common/errors/problem-mapping.ts).
 */
function retryingReadsOnce(client: PrismaClient): PrismaClient {
  const extended = client.$extends({
    query: {
      async $allOperations({ operation, args, query }) {
        try {
          return await query(args);
        } catch (error) {
          if (!isReadOperation(operation) || !isConnectionLoss(error)) throw error;
          return query(args);
        }
      },
    },
  });
  // A query-only extension adds no members: the extended client has PrismaClient's shape.
  return extended as unknown as PrismaClient;
}

async function connectPostgres(databaseUrl: string): Promise<DatabaseConnection> {
  // Loaded only here: the embedded default never needs the PostgreSQL driver.
  const [{ default: pg }, { PrismaPg }] = await Promise.all([import('pg'), import('@prisma/adapter-pg')]);
  const { connectionString, schema } = parseDatabaseUrl(databaseUrl);
  // search_path makes migrations (unqualified SQL) and queries land in the same schema.
  const poolConfig: PoolConfig = schema
    ? { connectionString, options: `-c search_path=${quoteIdentifier(schema)}` }
    : { connectionString };
  const adapterOptions = schema ? { schema } : undefined;
  const logger = new Logger('PostgreSQL');
  const newPool = (config: PoolConfig): Pool => {
    const created = new pg.Pool(config);
    // A connection the server ends (a restart, pg_terminate_backend) emits 'error' on its client. While the
    // client is checked out nothing else may be listening, and an unheard 'error' ends the process; the
    // statement in flight fails on its own and the pool drops the client.
    created.on('connect', (connection) =>
      connection.on('error', (error) => logger.warn(`A connection was lost: ${error.message}`)),
    );
    return created;
  };
  // The pool is owned here so close() ends every connection.
  const pool = newPool(poolConfig);
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  const client = retryingReadsOnce(new PrismaClient({ adapter: new PrismaPg(pool, adapterOptions) }));
  return {
    kind: 'postgresql',
    client,
    restored: false,
    async migrate() {
      // A connection of its own, ended afterwards: the engine leaves its session advisory lock on the
      // connection it used, which would block every other process's migrations if it went back to a pool.
      // Opened only when the ledger check finds work for the engine.
      let migrationPool: Pool | undefined;
      const engineAdapter = () => new PrismaPg((migrationPool = newPool({ ...poolConfig, max: 1 })), adapterOptions);
      try {
        return await applyPendingMigrations(engineAdapter, async (sql) => (await pool.query(sql)).rows);
      } finally {
        await migrationPool?.end();
      }
    },
    async close() {
      await client.$disconnect();
      await pool.end();
    },
  };
}

async function openPGlite(dataDir: string, preparedDir: string | undefined): Promise<DatabaseConnection> {
  const { pglite, restored } = await (takeEarlyPGlite(dataDir, preparedDir) ?? openPGliteFiles(dataDir, preparedDir));
  // The adapter calls only query, exec and transaction (then tx.query, tx.rollback), which the thread answers.
  const adapterFactory = new PrismaPGlite(pglite as unknown as PGlite);
  const client = new PrismaClient({ adapter: adapterFactory });
  return {
    kind: 'pglite',
    client,
    restored,
    migrate: () =>
      applyPendingMigrations(
        () => adapterFactory,
        async (sql) => (await pglite.query<Record<string, unknown>>(sql)).rows,
      ),
    async close() {
      await client.$disconnect();
      await pglite.close();
    },
  };
}

/**
 * PostgreSQL when a URL is given, otherwise PGlite in a worker thread of this process with files under dataDir; a PGlite directory
 * that does not exist yet is restored from `preparedDir` (prepared-database.ts) when one is given and fits.
 */
export function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  preparedDir?: string;
}): Promise<DatabaseConnection> {
  return options.databaseUrl ? connectPostgres(options.databaseUrl) : openPGlite(options.dataDir, options.preparedDir);
}
