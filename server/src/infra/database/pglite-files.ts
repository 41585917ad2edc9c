import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startPGlite, type PGliteLike } from './pglite-worker-client.js';
import { PREPARED_DATABASE_DIR, restorePreparedDatabase } from './prepared-database.js';

export interface OpenedPGlite {
  pglite: PGliteLike;
  /** True when the directory was just restored from the prepared database. */
  restored: boolean;
}

/**
 * Opens the PGlite files under `dataDir` in their own thread. A directory that does not exist yet starts
 * from the build's migrated and seeded copy in `preparedDir` when one is given and fits, instead of initdb
 * (about 5 s).
 */
export async function openPGliteFiles(dataDir: string, preparedDir: string | undefined): Promise<OpenedPGlite> {
  const directory = path.join(dataDir, 'pglite');
  const restored = preparedDir ? await restorePreparedDatabase(preparedDir, directory) : false;
  await mkdir(directory, { recursive: true });
  return { pglite: await startPGlite(directory), restored };
}

let early: { dataDir: string; preparedDir: string | undefined; opening: Promise<OpenedPGlite> } | undefined;

/**
 * Starts opening the embedded database before the app's module graph is imported (main.ts): PGlite's open
 * runs in its thread while the main thread imports the app, about a second each on this machine. The app's
 * DatabaseService takes it over (takeEarlyPGlite).
 */
export function openPGliteEarly(dataDir: string, preparedDir: string | undefined = PREPARED_DATABASE_DIR): void {
  const opening = openPGliteFiles(dataDir, preparedDir);
  // Whoever takes it awaits it and sees a failure; until then a failure is not an unhandled rejection.
  opening.catch(() => undefined);
  early = { dataDir, preparedDir, opening };
}

/** The early open of these directories, handed over once; undefined when none was started for them. */
export function takeEarlyPGlite(dataDir: string, preparedDir: string | undefined): Promise<OpenedPGlite> | undefined {
  if (early?.dataDir !== dataDir || early.preparedDir !== preparedDir) return undefined;
  const { opening } = early;
  early = undefined;
  return opening;
}
