import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../generated/prisma/client.js';
import { isConnectionLoss, isReadOperation } from './connection-errors.js';
import { applyMigrations } from './schema-engine.js';

export interface DatabaseConnection {
  kind: 'pglite' | 'postgresql';
  client: PrismaClient;
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
  const { connectionString, schema } = parseDatabaseUrl(databaseUrl);
  // search_path makes migrations (unqualified SQL) and queries land in the same schema.
  const poolConfig = schema
    ? { connectionString, options: `-c search_path=${quoteIdentifier(schema)}` }
    : { connectionString };
  const adapterOptions = schema ? { schema } : undefined;
  // The pool is owned here so close() ends every connection.
  const pool = new pg.Pool(poolConfig);
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  const client = retryingReadsOnce(new PrismaClient({ adapter: new PrismaPg(pool, adapterOptions) }));
  return {
    kind: 'postgresql',
    client,
    async migrate() {
      // A connection of its own, ended afterwards: the engine leaves its session advisory lock on the
      // connection it used, which would block every other process's migrations if it went back to a pool.
      const migrationPool = new pg.Pool({ ...poolConfig, max: 1 });
      try {
        return await applyMigrations(new PrismaPg(migrationPool, adapterOptions));
      } finally {
        await migrationPool.end();
      }
    },
    async close() {
      await client.$disconnect();
      await pool.end();
    },
  };
}

async function openPGlite(dataDir: string): Promise<DatabaseConnection> {
  const directory = path.join(dataDir, 'pglite');
  await mkdir(directory, { recursive: true });
  const pglite = new PGlite(directory);
  await pglite.waitReady;
  const adapterFactory = new PrismaPGlite(pglite);
  const client = new PrismaClient({ adapter: adapterFactory });
  return {
    kind: 'pglite',
    client,
    migrate: () => applyMigrations(adapterFactory),
    async close() {
      await client.$disconnect();
      await pglite.close();
    },
  };
}

/** PostgreSQL when a URL is given, otherwise PGlite in-process with files under dataDir. */
export function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
}): Promise<DatabaseConnection> {
  return options.databaseUrl ? connectPostgres(options.databaseUrl) : openPGlite(options.dataDir);
}
