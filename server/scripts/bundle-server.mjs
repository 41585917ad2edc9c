/**
 * Build step after `nest build` (npm run build): replaces dist/main.js with one ESM bundle of the API's
 * module graph, so that a start reads and links a few files instead of ~800 (docs/performance.md, "A start").
 * The compiled files stay beside it: worker threads, dist/worker.js and the scripts still load them.
 *
 * Code that finds files next to itself (worker entry points, the seeder's fingerprint, packages' assets)
 * keeps its own location: each module's `import.meta.url`, `__dirname` and `__filename` are rewritten to
 * where that module's file lies, relative to the bundle.
 */
import { build } from 'esbuild';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const ENTRY = path.join(DIST, 'main.js');
/** What main.js imports once PGlite is opening, kept as an entry of its own so that bench/startup.bench.ts can time its import. */
const START_API_ENTRY = path.join(DIST, 'start-api.js');

/**
 * Loaded from node_modules at run time rather than bundled: native addons and WebAssembly packages that
 * read their own files, pino (its transports start threads from file paths), tsx (development only), and
 * Nest's optional peers, which this server never installs. reflect-metadata too: a bundled CommonJS module
 * runs only where its importer's body runs, after the ESM packages (Nest) whose decorators need it.
 * class-transformer and class-validator keep one copy each: our DTOs' decorators and the copy Nest's
 * ValidationPipe loads by name must share their metadata.
 */
const EXTERNAL = [
  'reflect-metadata',
  'class-transformer',
  'class-transformer/*',
  'class-validator',
  'sharp',
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  '@prisma/schema-engine-wasm',
  '@prisma/schema-engine-wasm/*',
  '@vladmandic/human',
  '@tensorflow/*',
  'pino',
  'pino-pretty',
  'thread-stream',
  'tsx',
  'tsx/*',
  '@nestjs/microservices',
  '@nestjs/microservices/*',
  '@nestjs/platform-express',
  '@nestjs/websockets/*',
  // Loaded only when DATABASE_URL, REDIS_URL or S3 is configured, by dynamic import: they cost the embedded
  // start nothing, and stay as their packages ship them.
  'pg',
  '@prisma/adapter-pg',
  'ioredis',
  'bull',
  '@bull-board/*',
  '@aws-sdk/*',
];

const keepModuleLocation = {
  name: 'keep-module-location',
  setup(builder) {
    builder.onLoad({ filter: /\.[cm]?js$/ }, async ({ path: file }) => {
      let source = await readFile(file, 'utf8');
      const fromBundle = JSON.stringify(path.relative(DIST, file));
      source = source.replace(/\bimport\.meta\.url\b/g, `new URL(${fromBundle}, import.meta.url).href`);
      if (/\b__(dirname|filename)\b/.test(source)) {
        // CommonJS modules are wrapped in a function each, so these names stay local to their module.
        source =
          `var __filename = fileURLToPathInBundle(new URL(${fromBundle}, import.meta.url)),` +
          ` __dirname = dirnameInBundle(__filename);\n${source}`;
      }
      return { contents: source, loader: 'js' };
    });
  },
};

/** The first line of every file the bundle writes, so that a second run over its own output can tell. */
const BUNDLE_MARK = '/* bundled by server/scripts/bundle-server.mjs */';
if ((await readFile(ENTRY, 'utf8')).startsWith(BUNDLE_MARK)) {
  console.error(`${ENTRY} is already the bundle: \`npm run build -w server\` compiles afresh, then bundles`);
  process.exit(1);
}

const startedAt = performance.now();
await build({
  entryPoints: { main: ENTRY, 'start-api.bundle': START_API_ENTRY },
  outdir: DIST,
  allowOverwrite: true,
  bundle: true,
  // Our code behind a dynamic import (the Redis, Bull and S3 drivers) goes into chunks that load only when configured.
  splitting: true,
  chunkNames: 'main-chunk-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  // Nest names providers and errors after classes; without this esbuild may rename two classes of one name.
  keepNames: true,
  // CommonJS modules call require(); in an ESM bundle it comes from createRequire. The other two serve keepModuleLocation.
  banner: {
    js: [
      BUNDLE_MARK,
      "import { createRequire as createRequireInBundle } from 'node:module';",
      "import { dirname as dirnameInBundle } from 'node:path';",
      "import { fileURLToPath as fileURLToPathInBundle } from 'node:url';",
      'const require = createRequireInBundle(import.meta.url);',
    ].join(' '),
  },
  plugins: [keepModuleLocation],
  // The Swagger plugin's metadata repeats `enum` in a few DTOs; the later key wins, as in the compiled files.
  logOverride: { 'duplicate-object-key': 'silent' },
  logLevel: 'warning',
});
const megabytes = ((await stat(ENTRY)).size / 1e6).toFixed(1);
const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
console.log(`bundled server: ${path.relative(process.cwd(), ENTRY)} (${megabytes} MB, ${seconds} s)`);
