import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readCommittedMigrations, SERVER_ROOT, type MigrationEntry } from './schema-engine.js';

/**
 * A PGlite data directory migrated and seeded at build time (scripts/prepare-database.mjs). initdb, the
 * migrations and the first seeding take about 5 s on a fresh DATA_DIR; copying this takes a fraction of it.
 * nest build empties dist/, so a stale copy cannot outlive the build that made it.
 */
export const PREPARED_DATABASE_DIR = path.join(SERVER_ROOT, 'dist', 'prepared-db');

const MANIFEST = 'manifest.json';
const DATA = 'pglite';

/** What the copy was made with: it is used only by the same PGlite and a prefix of the same migrations. */
export interface PreparedManifest {
  pglite: string;
  migrations: MigrationEntry[];
}

async function installedPGliteVersion(): Promise<string> {
  // The package exports no package.json: find it above the entry point.
  let directory = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(path.join(directory, 'package.json'))) directory = path.dirname(directory);
  return (JSON.parse(await readFile(path.join(directory, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Copies a directory tree, the files in parallel: about 1,100 files of a PGlite directory copy several
 * times faster this way than through fs.cp, which copies one file after another.
 */
async function copyTree(from: string, to: string): Promise<void> {
  const entries = await readdir(from, { withFileTypes: true, recursive: true });
  const target = (entry: { parentPath: string; name: string }) =>
    path.join(to, path.relative(from, path.join(entry.parentPath, entry.name)));
  await mkdir(to, { recursive: true });
  for (const entry of entries) if (entry.isDirectory()) await mkdir(target(entry), { recursive: true });
  await Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map((entry) => copyFile(path.join(entry.parentPath, entry.name), target(entry))),
  );
}

async function isEmptyOrMissing(directory: string): Promise<boolean> {
  const entries = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries.length === 0;
}

/** Why the prepared copy does not fit this server, or undefined when it does. */
export async function preparedDatabaseMismatch(manifest: PreparedManifest): Promise<string | undefined> {
  if (manifest.pglite !== (await installedPGliteVersion())) return `made by PGlite ${manifest.pglite}`;
  const committed = await readCommittedMigrations();
  // Later migrations are fine (the ledger check applies them); an edited or removed one is not.
  const fits = manifest.migrations.every(
    (entry, index) => committed[index]?.name === entry.name && committed[index].checksum === entry.checksum,
  );
  return fits ? undefined : 'made from other migrations';
}

/**
 * Copies the prepared database into `directory` when that is missing or empty and the copy fits; returns
 * whether it did. Anything short of a complete copy leaves `directory` as it was, so PGlite runs initdb.
 */
export async function restorePreparedDatabase(preparedDir: string, directory: string): Promise<boolean> {
  if (!(await isEmptyOrMissing(directory))) return false;
  const manifest = await readFile(path.join(preparedDir, MANIFEST), 'utf8').then(
    (text) => JSON.parse(text) as PreparedManifest,
    () => undefined,
  );
  if (!manifest || (await preparedDatabaseMismatch(manifest))) return false;
  // Copied beside the target and renamed into place, so an interrupted copy never looks like a database.
  const staging = `${directory}.restoring-${process.pid}`;
  try {
    await rm(staging, { recursive: true, force: true });
    await copyTree(path.join(preparedDir, DATA), staging);
    await rm(directory, { recursive: true, force: true });
    await rename(staging, directory);
    return true;
  } catch {
    await rm(staging, { recursive: true, force: true });
    return false;
  }
}

/**
 * Keeps a closed PGlite directory as the prepared database, replacing any earlier one; `migrations` is the
 * ledger it holds.
 */
export async function savePreparedDatabase(
  pgliteDir: string,
  migrations: MigrationEntry[],
  preparedDir = PREPARED_DATABASE_DIR,
): Promise<void> {
  const manifest: PreparedManifest = { pglite: await installedPGliteVersion(), migrations };
  const staging = `${preparedDir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await copyTree(pgliteDir, path.join(staging, DATA));
  await writeFile(path.join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  await rm(preparedDir, { recursive: true, force: true });
  await rename(staging, preparedDir);
}
