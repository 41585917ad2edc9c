import sharp from 'sharp';
import { DECODE_LIMITS } from './image-pipeline.js';
import { labDistance, rgbToLab, type Lab } from './color-names.js';

const ANALYSIS_LONG_SIDE = 128;
/** Only pixels at least this opaque count: a cutout's feathered edge mixes in the background. */
const MIN_ALPHA = 224;
/** Colour groups looked for: a body, its shaded side, a label or a cap. */
const CLUSTERS = 4;
const ITERATIONS = 8;
/**
 * How much the silhouette's outline counts beside its area. A label sits inside the object and rarely
 * reaches its outline, while the body's colour runs all around it, so the body wins even when a large
 * label covers more pixels than it (or its shading splits it in two groups).
 */
const OUTLINE_WEIGHT = 2;

interface Pixel {
  rgb: [number, number, number];
  lab: Lab;
  onOutline: boolean;
}

/**
 * The #RRGGBB colour of the object in an image: for a cutout, its opaque pixels are grouped by colour
 * (k-means in CIELAB, so shading of one surface lands together) and the group that covers most of the
 * silhouette's area and outline wins, so a label does not outvote the body. An image without
 * transparency is read by area alone. An image with no opaque pixel at all is read from its visible ones.
 */
export async function dominantColor(image: Buffer): Promise<string> {
  const { data, info } = await sharp(image, DECODE_LIMITS)
    .resize({ width: ANALYSIS_LONG_SIDE, height: ANALYSIS_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels =
    objectPixels(data, info.width, info.height, MIN_ALPHA) ?? objectPixels(data, info.width, info.height, 1);
  if (!pixels) return '#000000';
  const hex = (channel: number) => Math.round(channel).toString(16).padStart(2, '0');
  const [red, green, blue] = mainCluster(pixels.list, pixels.hasOutline);
  return `#${hex(red)}${hex(green)}${hex(blue)}`.toUpperCase();
}

/** The pixels at least `minAlpha` opaque, each marked when it borders a more transparent one (the outline). */
function objectPixels(
  rgba: Buffer,
  width: number,
  height: number,
  minAlpha: number,
): { list: Pixel[]; hasOutline: boolean } | undefined {
  const inside = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < width && y < height && rgba[(y * width + x) * 4 + 3] >= minAlpha;
  const list: Pixel[] = [];
  let hasOutline = false;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!inside(x, y)) continue;
      const offset = (y * width + x) * 4;
      const rgb: [number, number, number] = [rgba[offset], rgba[offset + 1], rgba[offset + 2]];
      const bordersTransparency = [
        [x - 1, y],
        [x + 1, y],
        [x, y - 1],
        [x, y + 1],
      ].some(([nx, ny]) => nx >= 0 && ny >= 0 && nx < width && ny < height && !inside(nx, ny));
      hasOutline ||= bordersTransparency;
      const onImageEdge = x === 0 || y === 0 || x === width - 1 || y === height - 1;
      list.push({ rgb, lab: rgbToLab(...rgb), onOutline: bordersTransparency || onImageEdge });
    }
  }
  return list.length > 0 ? { list, hasOutline } : undefined;
}

/** k-means in CIELAB from farthest-point seeds (deterministic); the mean RGB of the best-scoring group. */
function mainCluster(pixels: readonly Pixel[], weighOutline: boolean): [number, number, number] {
  const centres: Lab[] = [meanLab(pixels)];
  const nearestCentre = pixels.map((pixel) => labDistance(pixel.lab, centres[0]));
  while (centres.length < CLUSTERS) {
    let farthest = 0;
    for (let index = 1; index < pixels.length; index++) {
      if (nearestCentre[index] > nearestCentre[farthest]) farthest = index;
    }
    if (nearestCentre[farthest] === 0) break;
    centres.push(pixels[farthest].lab);
    pixels.forEach((pixel, index) => {
      nearestCentre[index] = Math.min(nearestCentre[index], labDistance(pixel.lab, centres.at(-1)!));
    });
  }
  let membership = new Array<number>(pixels.length).fill(0);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    membership = pixels.map((pixel) => nearestIndex(pixel.lab, centres));
    centres.forEach((_, cluster) => {
      const members = pixels.filter((__, index) => membership[index] === cluster);
      if (members.length > 0) centres[cluster] = meanLab(members);
    });
  }
  const outlineTotal = Math.max(1, pixels.filter((pixel) => pixel.onOutline).length);
  let best = { score: -1, members: [] as Pixel[] };
  centres.forEach((_, cluster) => {
    const members = pixels.filter((__, index) => membership[index] === cluster);
    const outline = members.filter((pixel) => pixel.onOutline).length / outlineTotal;
    const score = members.length / pixels.length + (weighOutline ? OUTLINE_WEIGHT * outline : 0);
    if (members.length > 0 && score > best.score) best = { score, members };
  });
  const mean = (channel: number) =>
    best.members.reduce((sum, pixel) => sum + pixel.rgb[channel], 0) / best.members.length;
  return [mean(0), mean(1), mean(2)];
}

function meanLab(pixels: readonly Pixel[]): Lab {
  const sum = pixels.reduce(
    (total, pixel) => ({ l: total.l + pixel.lab.l, a: total.a + pixel.lab.a, b: total.b + pixel.lab.b }),
    {
      l: 0,
      a: 0,
      b: 0,
    },
  );
  return { l: sum.l / pixels.length, a: sum.a / pixels.length, b: sum.b / pixels.length };
}

function nearestIndex(lab: Lab, centres: readonly Lab[]): number {
  let best = 0;
  for (let index = 1; index < centres.length; index++) {
    if (labDistance(lab, centres[index]) < labDistance(lab, centres[best])) best = index;
  }
  return best;
}
