// Prints the minified + gzipped size of the core as a bundler would ship it, and fails above the budget.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 15 * 1024;

const result = await build({
  entryPoints: [new URL('../dist/index.js', import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'neutral',
  write: false,
});
const minified = result.outputFiles[0].contents;
const gzipped = gzipSync(minified, { level: 9 }).length;
console.log(
  `@lumiku/pose-sdk core: ${minified.length} B minified, ${gzipped} B (${(gzipped / 1024).toFixed(1)} KB) minified+gzipped; budget ${BUDGET_BYTES / 1024} KB`,
);
if (gzipped > BUDGET_BYTES) process.exit(1);
