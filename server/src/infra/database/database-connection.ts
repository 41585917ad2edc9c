import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../generated/prisma/client.js';

export interface DatabaseConnection {
  kind: 'pglite' | 'postgresql';
  client: PrismaClient;
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
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

async function connectPostgres(databaseUrl: string): Promise<DatabaseConnection> {
  const { connectionString, schema } = parseDatabaseUrl(databaseUrl);
  // search_path makes migrations (unqualified SQL) and queries land in the same schema.
  // One pool owned here, shared by the client and the migration engine, so close() ends every connection.
  const pool = new pg.Pool(
    schema ? { connectionString, options: `-c search_path=${quoteIdentifier(schema)}` } : { connectionString },
  );
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  const adapterFactory = new PrismaPg(pool, schema ? { schema } : undefined);
  const client = new PrismaClient({ adapter: adapterFactory });
  return {
    kind: 'postgresql',
    client,
    adapterFactory,
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
    adapterFactory,
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
