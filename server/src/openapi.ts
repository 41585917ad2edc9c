/**
 * Writes the OpenAPI document to the repository root (`npm run openapi`), or
 * with `--check` fails when the committed file differs. Needs no database and
 * opens no port: the app is created but never initialised.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createApp } from './bootstrap.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { loadConfig } from './config/app-config.js';
import { SERVER_ROOT } from './infra/database/schema-engine.js';

const SPEC_PATH = path.resolve(SERVER_ROOT, '..', 'openapi.json');

const app = await createApp(loadConfig({ LOG_LEVEL: 'warn' }));
const spec = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
await app.close();

if (process.argv.includes('--check')) {
  const committed = await readFile(SPEC_PATH, 'utf8').catch(() => '');
  if (committed !== spec) {
    console.error('openapi.json is stale: run `npm run build && npm run openapi` and commit the result.');
    process.exitCode = 1;
  } else {
    console.log('openapi.json is current');
  }
} else {
  await writeFile(SPEC_PATH, spec);
  console.log(`wrote ${path.relative(process.cwd(), SPEC_PATH)}`);
}
