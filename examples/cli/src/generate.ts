import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { Generation, GenerationProgress, Lumiku } from '@lumiku/pose-sdk';
import { describeArchive } from './archive.js';

export interface GenerateOptions {
  avatarPath: string;
  productPath: string;
  /** Poses per category, e.g. `{ 'fashion-standing': 20 }`. */
  distribution: Record<string, number>;
  brandKitId: string | undefined;
  seed: number | undefined;
  outPath: string | undefined;
}

const BRAND_KIT_NAME = 'lumiku-example';

/** The brand kit given, else your default one, else one made for this tool. */
async function resolveBrandKit(lumiku: Lumiku, brandKitId: string | undefined): Promise<string> {
  if (brandKitId) return brandKitId;
  const kits = await lumiku.brandKits.list({ limit: 100 }).toArray();
  const kit = kits.find((candidate) => candidate.isDefault) ?? kits[0];
  return (kit ?? (await lumiku.brandKits.create({ brandName: BRAND_KIT_NAME }))).id;
}

/** Slots that have finished one way or another, which is what the bar counts. */
const doneSlots = (progress: GenerationProgress) =>
  progress.successfulPoses + progress.failedPoses + progress.canceledPoses;

/** Uploads the photos, quotes, starts the batch, follows it on a progress bar, downloads the ZIP. */
export async function generate(lumiku: Lumiku, options: GenerateOptions): Promise<number> {
  const brandKitId = await resolveBrandKit(lumiku, options.brandKitId);
  const [avatar, product] = await Promise.all([
    lumiku.avatars.create({
      file: await readFile(options.avatarPath),
      filename: basename(options.avatarPath),
      brandKitId,
      name: basename(options.avatarPath),
    }),
    lumiku.products.create({
      file: await readFile(options.productPath),
      filename: basename(options.productPath),
      brandKitId,
      name: basename(options.productPath),
    }),
  ]);
  console.log(`uploaded avatar ${avatar.id} and product ${product.id} (brand kit ${brandKitId})`);

  const input = { avatarId: avatar.id, productId: product.id, distribution: options.distribution, seed: options.seed };
  const quote = await lumiku.generations.quote(input);
  const byCategory = Object.entries(quote.slotsByCategory)
    .map(([category, count]) => `${category} ${count}`)
    .join(', ');
  console.log(
    `quote: ${quote.totalPoses} poses (${byCategory}), ${quote.credits} credits, about ${quote.estimatedSeconds} s on ${quote.provider}`,
  );

  const started = await lumiku.generations.create(input);
  console.log(`generation ${started.id} started`);
  const bar = new SingleBar(
    {
      format: 'rendering [{bar}] {percentage}% | {value}/{total} poses | {failed} failed',
      hideCursor: true,
      // Logs (CI, a pipe) get a line every second instead of nothing.
      noTTYOutput: true,
      notTTYSchedule: 1_000,
    },
    Presets.shades_classic,
  );
  bar.start(started.totalPoses, 0, { failed: 0 });
  let generation: Generation;
  try {
    generation = await lumiku.generations.waitForCompletion(started.id, {
      onProgress: (progress) => bar.update(doneSlots(progress), { failed: progress.failedPoses }),
    });
    bar.update(doneSlots(generation), { failed: generation.failedPoses });
  } finally {
    bar.stop();
  }
  console.log(`generation ${generation.status}: ${generation.successfulPoses} of ${generation.totalPoses} images`);
  if (generation.successfulPoses === 0) return 1;

  const archive = new Uint8Array(await (await lumiku.generations.archive(generation.id)).arrayBuffer());
  const outPath = options.outPath ?? `lumiku-${generation.id}.zip`;
  await writeFile(outPath, archive);
  console.log(`saved ${outPath}: ${describeArchive(archive)}`);
  return generation.status === 'completed' ? 0 : 1;
}
