/**
 * The pose detector on the shared COCO photos, measured in a fresh Node process so the figures are the
 * detector's own (no Jest, no other suite in memory): the first detection (worker thread start, wasm backend,
 * model load, two passes), then sequential latency, throughput with four detections in flight, the event
 * loop's worst delay meanwhile, and the process's peak RSS. Prints figures; asserts nothing about time.
 *
 *   npm run build -w server    # the production figure runs server/dist; without it, sources run through tsx
 *   npm run bench -w server -- bench/pose-detection.bench.ts
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { annotatedPhotos, COCO_FIXTURES_ABSENT, cocoFixturesPresent } from '../test/vision/coco-fixtures.js';

const SERVER_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILT_DETECTOR = path.join(SERVER_ROOT, 'dist/vision/movenet-pose-detector.js');
const SOURCE_DETECTOR = path.join(SERVER_ROOT, 'src/vision/movenet-pose-detector.ts');
const PHOTOS = 24;
const MEASURED = 120;
const IN_FLIGHT = 4;

/** Runs in the fresh process; reports JSON on its last line. */
const MEASUREMENT = `
import { readFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
const importStarted = performance.now();
const { MovenetPoseDetector } = await import(process.env.DETECTOR_MODULE);
const importMs = performance.now() - importStarted;
const images = await Promise.all(JSON.parse(process.env.PHOTOS).map((file) => readFile(file)));
const measured = Number(process.env.MEASURED);
const inFlight = Number(process.env.IN_FLIGHT);
const detector = new MovenetPoseDetector(64);
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const firstStarted = performance.now();
await detector.detect(images[0]);
const firstMs = performance.now() - firstStarted;
const latencies = [];
for (let index = 0; index < measured; index++) {
  const started = performance.now();
  await detector.detect(images[index % images.length]);
  latencies.push(performance.now() - started);
}
const lanesStarted = performance.now();
await Promise.all(Array.from({ length: inFlight }, async (_, lane) => {
  for (let index = lane; index < measured; index += inFlight) await detector.detect(images[index % images.length]);
}));
const perSecond = measured / ((performance.now() - lanesStarted) / 1000);
loopDelay.disable();
await detector.close();
console.log(JSON.stringify({ importMs, firstMs, latencies, perSecond, maxLoopDelayMs: loopDelay.max / 1e6,
  peakRssMb: process.resourceUsage().maxRSS / 1024 }));
`;

interface Measurement {
  importMs: number;
  firstMs: number;
  latencies: number[];
  perSecond: number;
  maxLoopDelayMs: number;
  peakRssMb: number;
}

const percentile = (sorted: readonly number[], share: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];

(cocoFixturesPresent ? describe : describe.skip)('pose detection benchmark', () => {
  if (!cocoFixturesPresent) console.log(`skipped: ${COCO_FIXTURES_ABSENT}`);

  it(`detects poses in ${PHOTOS} real photos`, async () => {
    const photos = (await annotatedPhotos()).slice(0, PHOTOS).map((photo) => photo.file);
    const built = existsSync(BUILT_DETECTOR);
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'pose-detection-bench-'));
    const script = path.join(scratch, 'measure.mjs');
    await writeFile(script, MEASUREMENT);
    const { stdout } = await promisify(execFile)(process.execPath, [...(built ? [] : ['--import', 'tsx']), script], {
      cwd: SERVER_ROOT,
      // The child must not inherit Jest's --experimental-vm-modules.
      env: {
        PATH: process.env.PATH,
        DETECTOR_MODULE: pathToFileURL(built ? BUILT_DETECTOR : SOURCE_DETECTOR).href,
        PHOTOS: JSON.stringify(photos),
        MEASURED: String(MEASURED),
        IN_FLIGHT: String(IN_FLIGHT),
      },
      maxBuffer: 16 * 1024 * 1024,
    }).finally(() => rm(scratch, { recursive: true, force: true }));
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Measurement;
    const sorted = [...result.latencies].sort((a, b) => a - b);
    const load = os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(' ');
    const lines = [
      `pose detection, MoveNet Lightning two passes, ${PHOTOS} COCO photos, ${MEASURED} detections per figure`,
      `(${built ? 'server/dist' : 'sources through tsx: run npm run build -w server for the production figure'}; ${os.cpus().length} CPUs, load average ${load}):`,
      `  detector module import       ${result.importMs.toFixed(0)} ms (nothing of the model loads here)`,
      `  first detection, fresh process ${result.firstMs.toFixed(0)} ms (thread start, wasm, model load, two passes)`,
      `  sequential latency           p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms`,
      `  sequential throughput        ${(1000 / (sorted.reduce((sum, value) => sum + value, 0) / sorted.length)).toFixed(1)} detections/s`,
      `  ${IN_FLIGHT} in flight                  ${result.perSecond.toFixed(1)} detections/s`,
      `  event loop, worst delay      ${result.maxLoopDelayMs.toFixed(1)} ms`,
      `  peak RSS                     ${result.peakRssMb.toFixed(0)} MB`,
      '  reproduce: npm run bench -w server -- bench/pose-detection.bench.ts',
    ];
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
    expect(result.latencies).toHaveLength(MEASURED);
  });
});
