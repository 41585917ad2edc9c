import sharp from 'sharp';
import { DECODE_LIMITS } from '../image-pipeline.js';
import { applyAlphaMask, type AlphaMask } from './alpha-mask.js';
import { BackgroundRemovalError, BackgroundRemover, type Cutout } from './background-remover.js';

/** The mask is found at this size (long side) and scaled to the photo, which also softens its edge. */
const WORKING_LONG_SIDE = 1024;
/** Pixels of the outer ring sampled as the background. */
const BORDER_THICKNESS = 2;
/** A pixel joins the background within this RGB distance of the background model... */
const MIN_TOLERANCE = 22;
/** ...or within this many times the border's own noise, for grainy or heavily compressed photos. */
const NOISE_TOLERANCE_FACTOR = 4;
/** Shading the model misses may join the background up to this many tolerances away, in steps of at most... */
const SHADING_TOLERANCE_FACTOR = 3;
/** ...this RGB distance between neighbouring pixels (an object's edge jumps much further within a pixel or two). */
const MAX_SHADING_STEP = 5;
/** Below this share of border pixels agreeing with one smooth background, there is no background to remove. */
const MIN_BORDER_INLIER_SHARE = 0.4;
/** Foreground islands smaller than this share of the largest one are noise, not parts of the object. */
const MIN_ISLAND_SHARE = 0.01;
const FEATHER_SIGMA = 1;

/**
 * Segmentation for studio product photos, with no model and no network: the background is modelled as a
 * smooth colour surface (a quadratic per channel, fitted robustly to the image border, so plain, gradient
 * and vignetted backdrops all fit), flood-filled inwards from the border within a colour tolerance, and
 * what the fill cannot reach is the object. Islands of noise are dropped and the edge is feathered.
 */
export class LocalBackgroundRemover extends BackgroundRemover {
  readonly method = 'local' as const;

  async removeBackground(image: Buffer): Promise<Cutout> {
    return applyAlphaMask(image, await this.foregroundMask(image), this.method);
  }

  async foregroundMask(image: Buffer): Promise<AlphaMask> {
    const { data, info } = await sharp(image, DECODE_LIMITS)
      .flatten({ background: '#ffffff' })
      .resize({ width: WORKING_LONG_SIDE, height: WORKING_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { width, height } = info;
    const model = fitBorderBackground(data, width, height);
    if (model.inlierShare < MIN_BORDER_INLIER_SHARE) {
      throw new BackgroundRemovalError(this.method, 'The photo border is not a plain or smoothly shaded background.');
    }
    const tolerance = Math.max(MIN_TOLERANCE, NOISE_TOLERANCE_FACTOR * model.noise);
    const distances = backgroundDistances(data, width, height, model);
    const background = floodFillBackground(data, distances, width, height, tolerance);
    const foreground = withoutSmallIslands(background, width, height);
    const foregroundShare = foreground.reduce((count, value) => count + (value ? 1 : 0), 0) / foreground.length;
    if (foregroundShare < 0.001)
      throw new BackgroundRemovalError(this.method, 'No object stands out from the background.');
    if (foregroundShare > 0.98) throw new BackgroundRemovalError(this.method, 'The object fills the whole photo.');
    const feathered = await sharp(foreground, { raw: { width, height, channels: 1 } })
      .blur(FEATHER_SIGMA)
      .extractChannel(0)
      .raw()
      .toBuffer();
    return { data: new Uint8Array(feathered), width, height };
  }
}

/** Per channel, colour = c · [1, u, v, u², v², uv] with u, v the position scaled to 0..1. */
interface BackgroundModel {
  coefficients: [Float64Array, Float64Array, Float64Array];
  /** Median distance of the agreeing border pixels from the model. */
  noise: number;
  inlierShare: number;
}

const TERM_COUNT = 6;

function terms(u: number, v: number, into: Float64Array): Float64Array {
  into[0] = 1;
  into[1] = u;
  into[2] = v;
  into[3] = u * u;
  into[4] = v * v;
  into[5] = u * v;
  return into;
}

function borderIndices(width: number, height: number): Int32Array {
  const thickness = Math.min(BORDER_THICKNESS, Math.floor(Math.min(width, height) / 2));
  const indices: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const nearEdge = x < thickness || y < thickness || x >= width - thickness || y >= height - thickness;
      if (nearEdge) indices.push(y * width + x);
    }
  }
  return Int32Array.from(indices);
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)];
}

/**
 * Least squares on the border pixels, refitted a few times without the pixels far from the fit, so an
 * object touching the border does not drag the background model towards its own colour.
 */
function fitBorderBackground(rgb: Buffer, width: number, height: number): BackgroundModel {
  const samples = borderIndices(width, height);
  const scaleX = 1 / Math.max(1, width - 1);
  const scaleY = 1 / Math.max(1, height - 1);
  const row = new Float64Array(TERM_COUNT);
  let inlier = new Uint8Array(samples.length).fill(1);
  // Start from the border's median colour: unlike a first least-squares fit, an object covering a good part
  // of one side cannot pull it, so the first round already singles the object's pixels out.
  let coefficients = [0, 1, 2].map((channel) => {
    const constant = new Float64Array(TERM_COUNT);
    constant[0] = median(Float64Array.from(samples, (index) => rgb[index * 3 + channel]));
    return constant;
  }) as BackgroundModel['coefficients'];
  const residuals = new Float64Array(samples.length);
  for (let round = 0; round < 4; round++) {
    for (let sample = 0; sample < samples.length; sample++) {
      const index = samples[sample];
      terms((index % width) * scaleX, Math.floor(index / width) * scaleY, row);
      residuals[sample] = colourDistance(rgb, index, coefficients, row);
    }
    const inlierResiduals = residuals.filter((_, sample) => inlier[sample] === 1);
    const cutoff = Math.max(8, 4 * median(inlierResiduals));
    inlier = Uint8Array.from(residuals, (residual) => (residual <= cutoff ? 1 : 0));
    coefficients = solveChannels(rgb, samples, inlier, width, scaleX, scaleY);
  }
  const kept = residuals.filter((_, sample) => inlier[sample] === 1);
  return { coefficients, noise: median(kept), inlierShare: kept.length / samples.length };
}

function solveChannels(
  rgb: Buffer,
  samples: Int32Array,
  inlier: Uint8Array,
  width: number,
  scaleX: number,
  scaleY: number,
): [Float64Array, Float64Array, Float64Array] {
  const normal = new Float64Array(TERM_COUNT * TERM_COUNT);
  const targets = [new Float64Array(TERM_COUNT), new Float64Array(TERM_COUNT), new Float64Array(TERM_COUNT)] as const;
  const row = new Float64Array(TERM_COUNT);
  let count = 0;
  for (let sample = 0; sample < samples.length; sample++) {
    if (!inlier[sample]) continue;
    count++;
    const index = samples[sample];
    terms((index % width) * scaleX, Math.floor(index / width) * scaleY, row);
    for (let i = 0; i < TERM_COUNT; i++) {
      for (let j = 0; j < TERM_COUNT; j++) normal[i * TERM_COUNT + j] += row[i] * row[j];
      for (let channel = 0; channel < 3; channel++) targets[channel][i] += row[i] * rgb[index * 3 + channel];
    }
  }
  // A little ridge keeps the system solvable when whole border sides were rejected (object touching them).
  for (let i = 1; i < TERM_COUNT; i++) normal[i * TERM_COUNT + i] += 1e-3 * Math.max(1, count);
  return [solve(normal, targets[0]), solve(normal, targets[1]), solve(normal, targets[2])];
}

/** Gaussian elimination with partial pivoting on a small dense system. */
function solve(matrix: Float64Array, vector: Float64Array): Float64Array {
  const size = vector.length;
  const a = Float64Array.from(matrix);
  const b = Float64Array.from(vector);
  for (let column = 0; column < size; column++) {
    let pivot = column;
    for (let row = column + 1; row < size; row++) {
      if (Math.abs(a[row * size + column]) > Math.abs(a[pivot * size + column])) pivot = row;
    }
    for (let k = 0; k < size; k++)
      [a[column * size + k], a[pivot * size + k]] = [a[pivot * size + k], a[column * size + k]];
    [b[column], b[pivot]] = [b[pivot], b[column]];
    const diagonal = a[column * size + column] || 1e-12;
    for (let row = column + 1; row < size; row++) {
      const factor = a[row * size + column] / diagonal;
      for (let k = column; k < size; k++) a[row * size + k] -= factor * a[column * size + k];
      b[row] -= factor * b[column];
    }
  }
  const solution = new Float64Array(size);
  for (let row = size - 1; row >= 0; row--) {
    let sum = b[row];
    for (let k = row + 1; k < size; k++) sum -= a[row * size + k] * solution[k];
    solution[row] = sum / (a[row * size + row] || 1e-12);
  }
  return solution;
}

function colourDistance(
  rgb: Buffer,
  index: number,
  coefficients: BackgroundModel['coefficients'],
  row: Float64Array,
): number {
  let squared = 0;
  for (let channel = 0; channel < 3; channel++) {
    const weights = coefficients[channel];
    let expected = 0;
    for (let term = 0; term < TERM_COUNT; term++) expected += weights[term] * row[term];
    const difference = rgb[index * 3 + channel] - expected;
    squared += difference * difference;
  }
  return Math.sqrt(squared);
}

function backgroundDistances(rgb: Buffer, width: number, height: number, model: BackgroundModel): Float32Array {
  const distances = new Float32Array(width * height);
  const row = new Float64Array(TERM_COUNT);
  const scaleX = 1 / Math.max(1, width - 1);
  const scaleY = 1 / Math.max(1, height - 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const index = y * width + x;
      distances[index] = colourDistance(rgb, index, model.coefficients, terms(x * scaleX, y * scaleY, row));
    }
  }
  return distances;
}

/**
 * Marks (1) every pixel reachable from the border through background pixels: those within tolerance of the
 * model, and those a little further off that differ only slightly from the background pixel next to them,
 * which is how shading the model does not capture (a vignette, a soft shadow) varies, and not how an
 * object's edge does.
 */
function floodFillBackground(
  rgb: Buffer,
  distances: Float32Array,
  width: number,
  height: number,
  tolerance: number,
): Uint8Array {
  const background = new Uint8Array(width * height);
  const queue = new Int32Array(width * height);
  const shadingTolerance = SHADING_TOLERANCE_FACTOR * tolerance;
  let tail = 0;
  const visit = (index: number, from: number) => {
    if (background[index] === 1) return;
    const distance = distances[index];
    const joins =
      distance <= tolerance ||
      (from >= 0 && distance <= shadingTolerance && neighbourStep(rgb, index, from) <= MAX_SHADING_STEP);
    if (joins) {
      background[index] = 1;
      queue[tail++] = index;
    }
  };
  for (const index of borderIndices(width, height)) visit(index, -1);
  for (let head = 0; head < tail; head++) {
    const index = queue[head];
    const x = index % width;
    if (x > 0) visit(index - 1, index);
    if (x < width - 1) visit(index + 1, index);
    if (index >= width) visit(index - width, index);
    if (index < width * (height - 1)) visit(index + width, index);
  }
  return background;
}

function neighbourStep(rgb: Buffer, first: number, second: number): number {
  const red = rgb[first * 3] - rgb[second * 3];
  const green = rgb[first * 3 + 1] - rgb[second * 3 + 1];
  const blue = rgb[first * 3 + 2] - rgb[second * 3 + 2];
  return Math.sqrt(red * red + green * green + blue * blue);
}

/** The foreground (255) as the complement of the background, without islands too small to be the object. */
function withoutSmallIslands(background: Uint8Array, width: number, height: number): Uint8Array {
  const labels = new Int32Array(width * height).fill(-1);
  const areas: number[] = [];
  const queue = new Int32Array(width * height);
  for (let start = 0; start < background.length; start++) {
    if (background[start] === 1 || labels[start] !== -1) continue;
    const label = areas.length;
    let tail = 0;
    labels[start] = label;
    queue[tail++] = start;
    for (let head = 0; head < tail; head++) {
      const index = queue[head];
      const x = index % width;
      const neighbours = [x > 0 ? index - 1 : -1, x < width - 1 ? index + 1 : -1, index - width, index + width];
      for (const neighbour of neighbours) {
        if (neighbour < 0 || neighbour >= background.length) continue;
        if (background[neighbour] === 0 && labels[neighbour] === -1) {
          labels[neighbour] = label;
          queue[tail++] = neighbour;
        }
      }
    }
    areas.push(tail);
  }
  const largestArea = areas.reduce((largest, area) => Math.max(largest, area), 0);
  const minimumArea = Math.max(9, MIN_ISLAND_SHARE * largestArea);
  return Uint8Array.from(labels, (label) => (label >= 0 && areas[label] >= minimumArea ? 255 : 0));
}
