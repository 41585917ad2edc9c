import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts the worker thread whose built module is `builtModule` (a `.js` URL next to the caller in
 * server/dist). Under Jest or tsx the sources are .ts, which a worker thread cannot load, and on Node 20 a
 * worker ignores `--import` loaders: it then starts as a small script that registers tsx's ESM hooks inside
 * the thread and imports the .ts source beside where the .js would be.
 */
export function startWorker(builtModule: URL): Worker {
  if (existsSync(fileURLToPath(builtModule))) return new Worker(builtModule);
  // tsx's exports map serves `tsx/esm/api` to import() as index.mjs beside the index.cjs that require() finds.
  const tsxApi = pathToFileURL(
    path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs'),
  );
  const source = new URL(builtModule.href.replace(/\.js$/, '.ts'));
  const bootstrap = `import(${JSON.stringify(tsxApi.href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); })`;
  return new Worker(bootstrap, { eval: true });
}
