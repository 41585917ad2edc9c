/**
 * Control images per second, and main-thread milliseconds per image, through renderControlImage (what the
 * slot runner calls for every slot), at 512x768 and 1024x1536: drawn on the event loop (RENDER_THREADS=0,
 * as before the pool) and on the default pool. The poses are the built-in library's, so limb lengths and
 * angles vary as in a batch. Images are asked for CONCURRENCY at a time, as a batch's slots do; main-thread
 * time comes from perf_hooks' eventLoopUtilization over the run, so work on libuv's or the pool's threads
 * does not count in it. Each image is drawn and PNG-encoded (zlib) on the thread that draws it. Also: the
 * JS rasteriser alone, and keeping a render on the main thread (sharp only): re-encoded with its thumbnail
 * (ImagePipeline.prepare, a render carrying metadata) and as it came with its thumbnail (prepareRender). Prints figures; asserts nothing about time.
 *
 * Caveat: under Jest's vm modules this bench's own JS runs far slower than under plain Node (the rasteriser
 * took ~100-200 ms per 512x768 image here, 1.8 ms under `npx tsx` on the same loaded machine), while the pool's
 * threads run outside Jest; the event-loop rows overstate what the pool saves. Compare the pool rows across
 * runs, and the rasteriser under plain Node for the saving itself.
 *
 *   npm run bench -w server -- bench/control-images.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { ImagePipeline } from '../src/media/image-pipeline.js';
import { generateBuiltinLibrary } from '../src/pose-templates/library/builtin-library.js';
import {
  closeControlImageRendering,
  configureControlImageRendering,
  DEFAULT_RENDER_THREADS,
  rasterisePose,
  renderControlImage,
} from '../src/pose-templates/rendering/control-image.js';
import type { Pose } from '../src/pose-templates/skeleton/keypoints.js';
import { laneName } from '../test/support/lanes.js';
import { closingLines, recordBenchResult, type BenchFigure } from './support/results.js';

const IMAGES = 400;
const CONCURRENCY = 16;
const SIZES = [
  { width: 512, height: 768 },
  { width: 1024, height: 1536 },
];
const COMMAND = 'npm run bench -w server -- bench/control-images.bench.ts';

/** Runs `count` jobs CONCURRENCY at a time, once to warm up and once measured. */
async function measure(count: number, job: (index: number) => Promise<unknown>) {
  let next = 0;
  const run = () =>
    Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) await job(next++);
      }),
    );
  await run();
  next = 0;
  const before = performance.eventLoopUtilization();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const loop = performance.eventLoopUtilization(before);
  return { perSecond: count / seconds, mainThreadMs: loop.active / count, busy: loop.utilization };
}

describe('control images', () => {
  afterAll(() => closeControlImageRendering());

  it(`renders ${IMAGES} control images per size and mode, ${CONCURRENCY} at a time`, async () => {
    const poses: Pose[] = generateBuiltinLibrary().map((template) => ({
      canvas: template.canvas,
      keypoints: template.keypoints,
    }));
    const figures: BenchFigure[] = [];
    const lines = [
      `\ncontrol images through renderControlImage, ${IMAGES} per size and mode, ${CONCURRENCY} at a time`,
    ];
    const modes = [
      { name: 'on the event loop (RENDER_THREADS=0)', where: 'event loop', threads: 0 },
      {
        name: `on ${DEFAULT_RENDER_THREADS} pool thread(s) (default)`,
        where: 'worker pool',
        threads: DEFAULT_RENDER_THREADS,
      },
    ];
    for (const size of SIZES) {
      const label = `${size.width}x${size.height}`;
      const started = performance.now();
      for (let index = 0; index < IMAGES; index++) rasterisePose(poses[index % poses.length], size);
      const rasteriseMs = (performance.now() - started) / IMAGES;
      lines.push(`  ${label}: the JS rasteriser alone ${rasteriseMs.toFixed(2)} ms per image`);
      figures.push({
        name: `JS rasterising alone per control image, ${label}`,
        value: Number(rasteriseMs.toFixed(2)),
        unit: 'ms',
      });
      for (const mode of modes) {
        await configureControlImageRendering(mode.threads);
        const result = await measure(IMAGES, (index) => renderControlImage(poses[index % poses.length], size));
        lines.push(
          `    ${mode.name}: ${result.perSecond.toFixed(0)} images/s; main thread ${result.mainThreadMs.toFixed(2)} ms per image (event loop ${(result.busy * 100).toFixed(0)}% busy)`,
        );
        figures.push(
          {
            name: `Control images per second, ${label}, ${mode.where}`,
            value: Number(result.perSecond.toFixed(1)),
            unit: 'images/s',
          },
          {
            name: `Main-thread time per control image, ${label}, ${mode.where}`,
            value: Number(result.mainThreadMs.toFixed(2)),
            unit: 'ms',
          },
        );
      }
    }
    // A render as the slot runner keeps it: PNG in, the image and a WebP thumbnail out, all in sharp.
    const render = await renderControlImage(poses[0], SIZES[1]);
    const pipeline = new ImagePipeline();
    const checked = await pipeline.check(render.png);
    const keeps = [
      { name: 're-encoded 1024x1536 render', how: 'ImagePipeline.prepare', keep: () => pipeline.prepare(render.png) },
      {
        name: '1024x1536 render kept as it came',
        how: 'ImagePipeline.prepareRender',
        keep: () => pipeline.prepareRender(render.png, checked),
      },
    ];
    for (const { name, how, keep } of keeps) {
      const kept = await measure(IMAGES / 4, keep);
      lines.push(
        `  ${name} (${how}): ${kept.perSecond.toFixed(0)} images/s; main thread ${kept.mainThreadMs.toFixed(2)} ms per image`,
      );
      figures.push({ name: `Main-thread time per ${name}`, value: Number(kept.mainThreadMs.toFixed(2)), unit: 'ms' });
    }
    lines.push(...closingLines(COMMAND));
    process.stdout.write(lines.join('\n'));
    await recordBenchResult({ bench: 'control-images', lane: laneName, command: COMMAND, figures });
  }, 600_000);
});
