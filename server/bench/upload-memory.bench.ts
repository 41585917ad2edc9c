/**
 * Peak memory of the built server (`node dist/main.js`, a child process) while 8 clients upload a 27 MP,
 * ~18 MB noisy product photo at once: POST /v1/products (re-encode, thumbnail, local background removal,
 * dominant colour) and POST /v1/avatars (re-encode, thumbnail). The figure is the kernel's VmHWM of the
 * child, one fresh process per route and allocator setting, so it counts libvips' native memory, which process.memoryUsage()
 * in the bench would not see. Prints figures; asserts nothing about time.
 *
 *   npm run build -w server && npm run bench -w server -- bench/upload-memory.bench.ts
 *   # services lane: prefix DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { laneName } from '../test/support/lanes.js';
import { createTestStorage, type TestStorage } from '../test/support/test-app.js';
import { closingLines, recordBenchResult, type BenchFigure } from './support/results.js';

const CONCURRENT_UPLOADS = 8;
/** 6360 x 4240: 27 megapixels, a full-frame camera's JPEG. */
const PHOTO = { width: 6360, height: 4240 };
const TARGET_PEAK_MB = 450;
const ADMIN_TOKEN = 'admin_bench_token_0123456789';
const SERVER_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = path.join(SERVER_DIR, 'dist', 'main.js');
const COMMAND = 'npm run build -w server && npm run bench -w server -- bench/upload-memory.bench.ts';

/**
 * A studio product shot as a camera gives it: a light backdrop with sensor noise and a textured object in
 * the middle, JPEG at quality 96, which makes it ~18 MB (under the 20 MB product limit). Noise is what makes
 * it that large, and what makes background removal work for its answer.
 */
async function productPhoto(): Promise<Buffer> {
  const object = await sharp({
    create: {
      width: 2000,
      height: 3000,
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 90, sigma: 40 },
    },
  })
    .tint('#2050c0')
    .png({ compressionLevel: 0 })
    .toBuffer();
  return sharp({
    create: { ...PHOTO, channels: 3, background: '#eee', noise: { type: 'gaussian', mean: 236, sigma: 18 } },
  })
    .composite([{ input: object, left: 2180, top: 620 }])
    .jpeg({ quality: 96 })
    .toBuffer();
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Forgets the peak so far (boot, PGlite's start), so the next VmHWM is the peak of what follows; needs a
 * kernel that allows it for the bench's own children (Linux: writing 5 to clear_refs).
 */
async function resetPeak(pid: number): Promise<boolean> {
  return writeFile(`/proc/${pid}/clear_refs`, '5').then(
    () => true,
    () => false,
  );
}

/** VmHWM (peak resident set) and VmRSS of a process, in MB, from /proc. */
async function memoryOf(pid: number): Promise<{ peakMb: number; rssMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMb: kilobytes('VmHWM') / 1024, rssMb: kilobytes('VmRSS') / 1024 };
}

interface Server {
  child: ChildProcess;
  baseUrl: string;
  storage: TestStorage;
  stop(): Promise<void>;
}

async function startServer(allocatorEnv: Record<string, string>): Promise<Server> {
  const storage = await createTestStorage();
  const port = await freePort();
  // Jest's NODE_OPTIONS (vm modules) is no part of how the server runs.
  const { NODE_OPTIONS: _jestOptions, ...inherited } = process.env;
  const child = spawn(process.execPath, [MAIN], {
    cwd: SERVER_DIR,
    env: {
      ...inherited,
      ...allocatorEnv,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: storage.dataDir,
      ADMIN_TOKEN,
      MAX_AVATAR_SIZE_MB: '20',
      DATABASE_URL: storage.databaseUrl,
      REDIS_KEY_PREFIX: `bench-${path.basename(storage.dataDir)}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`the server did not start:\n${output}`);
    const ready = await fetch(`${baseUrl}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    child,
    baseUrl,
    storage,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await storage.dispose();
    },
  };
}

async function json(baseUrl: string, urlPath: string, key: string, body: unknown): Promise<any> {
  const response = await fetch(baseUrl + urlPath, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${urlPath} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

async function uploadAll(
  server: Server,
  route: '/v1/products' | '/v1/avatars',
  photo: Buffer,
): Promise<{ statuses: number[]; seconds: number; removal: string[] }> {
  const user = await json(server.baseUrl, '/v1/admin/users', ADMIN_TOKEN, {
    email: 'bench@example.com',
    name: 'Bench',
  });
  const kit = await json(server.baseUrl, '/v1/brand-kits', user.apiKey, { brandName: 'Bench', colors: ['#112233'] });
  const fields: Record<string, string> =
    route === '/v1/products'
      ? { brandKitId: kit.id, name: 'Serum', category: 'skincare', placement: 'hand-right' }
      : { brandKitId: kit.id, name: 'Model', gender: 'female', ageRange: '25-34' };
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: CONCURRENT_UPLOADS }, async () => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
      const response = await fetch(server.baseUrl + route, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.apiKey}` },
        body: form,
      });
      const body = (await response.json()) as { backgroundRemoval?: { status: string } };
      return { status: response.status, removal: body.backgroundRemoval?.status ?? '-' };
    }),
  );
  return {
    statuses: answers.map((answer) => answer.status),
    removal: answers.map((answer) => answer.removal),
    seconds: (performance.now() - started) / 1000,
  };
}

const ROUTES = [
  { route: '/v1/products', label: 'product uploads (with background removal)' },
  { route: '/v1/avatars', label: 'avatar uploads' },
] as const;

/**
 * Each route runs under glibc's default allocator and under the setting docs/deployment.md recommends:
 * libvips frees on many threads, and glibc's per-thread arenas keep what was freed.
 */
const ALLOCATORS = [
  { name: 'default allocator', env: {} },
  { name: 'MALLOC_ARENA_MAX=2', env: { MALLOC_ARENA_MAX: '2' } },
] as const;

describe(`upload memory (${laneName})`, () => {
  it(`${CONCURRENT_UPLOADS} concurrent 27 MP uploads per route`, async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build -w server\` first`);
    const photo = await productPhoto();
    const figures: BenchFigure[] = [];
    const lines = [
      `\nupload memory, ${laneName} lane: ${CONCURRENT_UPLOADS} concurrent uploads of a ${PHOTO.width}x${PHOTO.height} JPEG of ${(photo.length / 2 ** 20).toFixed(1)} MB`,
    ];
    for (const { route, label: routeLabel } of ROUTES) {
      for (const allocator of ALLOCATORS) {
        const label = `${routeLabel}, ${allocator.name}`;
        const server = await startServer(allocator.env);
        try {
          const idle = await memoryOf(server.child.pid!);
          const reset = await resetPeak(server.child.pid!);
          const result = await uploadAll(server, route, photo);
          const after = await memoryOf(server.child.pid!);
          lines.push(
            `  ${route} (${allocator.name}): statuses ${result.statuses.join(',')}${route === '/v1/products' ? `; background removal ${result.removal.join(',')}` : ''}`,
            `    RSS idle ${idle.rssMb.toFixed(0)} MB (peak while booting ${idle.peakMb.toFixed(0)} MB); peak ${reset ? 'during the uploads' : 'since boot (clear_refs refused)'} ${after.peakMb.toFixed(0)} MB (target < ${TARGET_PEAK_MB}), ${(after.peakMb - idle.rssMb).toFixed(0)} MB above idle; RSS after ${after.rssMb.toFixed(0)} MB`,
            `    all ${CONCURRENT_UPLOADS} answered in ${result.seconds.toFixed(1)} s`,
          );
          figures.push(
            {
              name: `Peak RSS, ${CONCURRENT_UPLOADS} concurrent 27 MP ${label}`,
              value: Math.round(after.peakMb),
              unit: 'MB',
              target: { op: '<=', value: TARGET_PEAK_MB },
            },
            {
              name: `Peak RSS above idle, ${CONCURRENT_UPLOADS} concurrent 27 MP ${label}`,
              value: Math.round(after.peakMb - idle.rssMb),
              unit: 'MB',
            },
            {
              name: `Wall time, ${CONCURRENT_UPLOADS} concurrent 27 MP ${label}`,
              value: Number(result.seconds.toFixed(1)),
              unit: 's',
            },
          );
        } finally {
          await server.stop();
        }
      }
    }
    lines.push(...closingLines(COMMAND));
    process.stdout.write(lines.join('\n'));
    await recordBenchResult({ bench: 'upload-memory', lane: laneName, command: COMMAND, figures });
  }, 900_000);
});
