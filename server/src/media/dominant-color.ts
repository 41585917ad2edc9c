import sharp from 'sharp';

/**
 * Colours are counted in bins of 16 levels per channel: fine enough to tell hues apart, coarse enough that
 * shading and JPEG noise on one surface land together.
 */
const BIN_SHIFT = 4;
const BIN_COUNT = 1 << (3 * (8 - BIN_SHIFT));
const ANALYSIS_LONG_SIDE = 256;
/** Only pixels at least this opaque count: a cutout's feathered edge mixes in the background. */
const MIN_ALPHA = 224;

/**
 * The #RRGGBB colour covering most of the image's opaque pixels: for a cutout, the object's main colour,
 * not an average muddied by labels and highlights, and never the (transparent) background. An image with
 * no opaque pixel at all is read from its visible ones.
 */
export async function dominantColor(image: Buffer): Promise<string> {
  const { data } = await sharp(image)
    .resize({ width: ANALYSIS_LONG_SIDE, height: ANALYSIS_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return mostCommonColor(data, MIN_ALPHA) ?? mostCommonColor(data, 1) ?? '#000000';
}

function mostCommonColor(rgba: Buffer, minAlpha: number): string | undefined {
  const counts = new Uint32Array(BIN_COUNT);
  const sums = new Float64Array(BIN_COUNT * 3);
  for (let offset = 0; offset < rgba.length; offset += 4) {
    if (rgba[offset + 3] < minAlpha) continue;
    const [red, green, blue] = [rgba[offset], rgba[offset + 1], rgba[offset + 2]];
    const bin =
      ((red >> BIN_SHIFT) << (2 * (8 - BIN_SHIFT))) | ((green >> BIN_SHIFT) << (8 - BIN_SHIFT)) | (blue >> BIN_SHIFT);
    counts[bin]++;
    sums[bin * 3] += red;
    sums[bin * 3 + 1] += green;
    sums[bin * 3 + 2] += blue;
  }
  let best = 0;
  for (let bin = 1; bin < BIN_COUNT; bin++) if (counts[bin] > counts[best]) best = bin;
  if (counts[best] === 0) return undefined;
  const hex = (channel: number) =>
    Math.round(sums[best * 3 + channel] / counts[best])
      .toString(16)
      .padStart(2, '0');
  return `#${hex(0)}${hex(1)}${hex(2)}`.toUpperCase();
}
