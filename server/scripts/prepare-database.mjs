/**
 * Build step after `nest build` (npm run build): keeps a migrated and seeded PGlite directory as
 * dist/prepared-db, which a fresh DATA_DIR copies instead of running initdb, the migrations and the first
 * seeding (src/prepare-database.ts, src/infra/database/prepared-database.ts).
 */
import path from 'node:path';
import { PREPARED_DATABASE_DIR } from '../dist/infra/database/prepared-database.js';
import { prepareDatabase } from '../dist/prepare-database.js';

const startedAt = performance.now();
await prepareDatabase(PREPARED_DATABASE_DIR);
const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
console.log(`prepared database: ${path.relative(process.cwd(), PREPARED_DATABASE_DIR)} (${seconds} s)`);
