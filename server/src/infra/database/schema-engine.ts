import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';

/**
 * Prisma's schema engine compiled to WebAssembly. The native engine that
 * `prisma migrate` uses is downloaded at install time, which cannot happen on
 * machines without internet access; the WASM build ships in an npm package and
 * writes the same `_prisma_migrations` ledger as `prisma migrate deploy`.
 */
export const SERVER_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SCHEMA_PATH = path.join(SERVER_ROOT, 'prisma/schema.prisma');
export const MIGRATIONS_DIR = path.join(SERVER_ROOT, 'prisma/migrations');

type SchemaEngineModule = typeof import('@prisma/schema-engine-wasm');
type WasmExports = Record<string, unknown>;

// Node has WebAssembly, but the ES2023 lib without DOM does not declare it.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: WasmExports } }>;
};
let engineModule: Promise<SchemaEngineModule> | undefined;

async function instantiateEngineModule(): Promise<SchemaEngineModule> {
  // The package's entry imports the .wasm file as an ES module, which Node 20
  // cannot do; instantiate it by hand with the package's own JS glue.
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
  const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as SchemaEngineModule & {
    __wbg_set_wasm(exports: WasmExports): void;
  };
  const bytes = await readFile(path.join(packageDir, 'schema_engine_bg.wasm'));
  // The engine arms 10 s timers (idle connections) that engine.free() leaves behind; unref them so a
  // finished migration never holds the process open.
  const imports: Record<string, unknown> = { ...glue };
  for (const name of Object.keys(glue).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
    const arm = (glue as unknown as Record<string, (...args: unknown[]) => NodeJS.Timeout>)[name];
    imports[name] = (...args: unknown[]) => arm(...args).unref();
  }
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': imports });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

export async function openSchemaEngine(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<SchemaEngine> {
  engineModule ??= instantiateEngineModule();
  const engine = await engineModule;
  const schema = await readFile(SCHEMA_PATH, 'utf8');
  return engine.SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schema]] },
    () => undefined,
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}

/** Reads the committed migration folders in the shape the engine expects. */
export async function readMigrationsList(baseDir = MIGRATIONS_DIR): Promise<MigrationList> {
  const entries = await readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const lockfilePath = path.join(baseDir, 'migration_lock.toml');
  return {
    baseDir,
    lockfile: {
      path: 'migration_lock.toml',
      content: await readFile(lockfilePath, 'utf8').catch(() => null),
    },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      folders.map(async (folder) => {
        const content = await readFile(path.join(baseDir, folder, 'migration.sql'), 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (error: Error) => ({ tag: 'error' as const, value: error.message }),
        );
        return { path: folder, migrationFile: { path: 'migration.sql', content } };
      }),
    ),
  };
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** A committed migration as `_prisma_migrations` records it once applied. */
export interface MigrationEntry {
  name: string;
  /** SHA-256 (hex) of migration.sql, the checksum `prisma migrate deploy` writes. */
  checksum: string;
}

export async function readCommittedMigrations(baseDir = MIGRATIONS_DIR): Promise<MigrationEntry[]> {
  const { migrationDirectories } = await readMigrationsList(baseDir);
  return migrationDirectories.map(({ path: name, migrationFile }) => ({
    name,
    // An unreadable file gets no checksum, so it never matches and the engine reports it.
    checksum:
      migrationFile.content.tag === 'ok' ? createHash('sha256').update(migrationFile.content.value).digest('hex') : '',
  }));
}

/** Runs one SQL statement on the open connection and returns its rows. */
export type RawQuery = (sql: string) => Promise<Array<Record<string, unknown>>>;

const UNDEFINED_TABLE = '42P01';

/**
 * The applied migrations, read in one query: the rows `prisma migrate deploy` counts (not rolled back), or
 * undefined when any of them is unfinished (a failed migration the engine must report). An empty list when
 * the ledger does not exist yet.
 */
async function readLedger(query: RawQuery): Promise<MigrationEntry[] | undefined> {
  let rows: Array<Record<string, unknown>>;
  try {
    rows = await query(
      'SELECT migration_name, checksum, finished_at IS NOT NULL AS finished FROM _prisma_migrations ' +
        'WHERE rolled_back_at IS NULL',
    );
  } catch (error) {
    if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return [];
    throw error;
  }
  if (rows.some((row) => row.finished !== true)) return undefined;
  return rows.map((row) => ({ name: String(row.migration_name), checksum: String(row.checksum) }));
}

/** True when `applied` is exactly `committed`: the same names, each once, with the same checksums. */
export function sameMigrations(applied: readonly MigrationEntry[], committed: readonly MigrationEntry[]): boolean {
  if (applied.length !== committed.length) return false;
  const checksums = new Map(applied.map((entry) => [entry.name, entry.checksum]));
  return (
    checksums.size === committed.length && committed.every((entry) => checksums.get(entry.name) === entry.checksum)
  );
}

/**
 * Applies pending migrations, loading the schema engine (WASM, a few hundred ms) and making its adapter only
 * when the ledger is not exactly the committed list. Anything else (a pending, failed, edited or unknown migration) goes to the
 * engine, which applies or reports it as `prisma migrate deploy` would.
 */
export async function applyPendingMigrations(
  engineAdapter: () => SqlMigrationAwareDriverAdapterFactory,
  query: RawQuery,
): Promise<string[]> {
  const [applied, committed] = await Promise.all([readLedger(query), readCommittedMigrations()]);
  if (applied && sameMigrations(applied, committed)) return [];
  return applyMigrations(engineAdapter());
}

/** Applies every committed migration not yet in `_prisma_migrations`. */
export async function applyMigrations(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const engine = await openSchemaEngine(adapterFactory);
  try {
    const result = await engine.applyMigrations({ migrationsList: await readMigrationsList(), filters: NO_FILTERS });
    return result.appliedMigrationNames;
  } finally {
    engine.free();
  }
}
