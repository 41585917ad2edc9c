/**
 * Where MoveNet looks: the square regions of the (shrunk, upright) image each pass feeds the model, and the way
 * its answers map back. Pure geometry, shared by the worker thread and its tests.
 */

/** MoveNet Lightning's input: a 192x192 RGB square. */
export const MOVENET_INPUT_SIZE = 192;
/** MoveNet's own keypoint threshold: a joint scored under it is not reliably located. */
export const KEYPOINT_THRESHOLD = 0.3;
/** COCO-17 keypoints MoveNet answers, each as (x, y, score). */
export const MOVENET_KEYPOINT_COUNT = 17;

/** A square in image pixels; it may reach past the edges, where the model sees black padding. */
export interface SquareRegion {
  left: number;
  top: number;
  side: number;
}

/** One keypoint in image pixels, with MoveNet's score. */
export interface ScoredPoint {
  x: number;
  y: number;
  score: number;
}

/**
 * The crop of the second pass is the box around the confidently found joints, grown to a square and by this
 * factor, so limbs the first pass missed or placed short still fall inside.
 */
const PERSON_MARGIN = 1.75;
/** Fewer confident joints than this give no usable box; the first pass is then the answer. */
const MIN_JOINTS_FOR_CROP = 3;
/** A crop never shrinks under this share of the image's long side (a few joints close together). */
const MIN_CROP_SHARE = 0.2;

/** First pass: the whole frame, letterboxed to a square around its centre. */
export function paddedFrame(width: number, height: number): SquareRegion {
  const side = Math.max(width, height);
  return { left: (width - side) / 2, top: (height - side) / 2, side };
}

/** Second pass: the square around the person the first pass found, or undefined when it found too little. */
export function regionAroundPerson(
  points: readonly ScoredPoint[],
  width: number,
  height: number,
): SquareRegion | undefined {
  const confident = points.filter((point) => point.score >= KEYPOINT_THRESHOLD);
  if (confident.length < MIN_JOINTS_FOR_CROP) return undefined;
  const xs = confident.map((point) => point.x);
  const ys = confident.map((point) => point.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const longSide = Math.max(width, height);
  const side = Math.min(
    longSide,
    Math.max(Math.max(maxX - minX, maxY - minY) * PERSON_MARGIN, longSide * MIN_CROP_SHARE),
  );
  return { left: (minX + maxX - side) / 2, top: (minY + maxY - side) / 2, side };
}

/** The region as the [y1, x1, y2, x2] box, normalised to the image, that tf.image.cropAndResize takes. */
export function cropBox(region: SquareRegion, width: number, height: number): [number, number, number, number] {
  return [
    region.top / height,
    region.left / width,
    (region.top + region.side) / height,
    (region.left + region.side) / width,
  ];
}

/** MoveNet's output for one region, (y, x, score) normalised to that region, as points in image pixels. */
export function toImagePoints(output: ArrayLike<number>, region: SquareRegion): ScoredPoint[] {
  return Array.from({ length: MOVENET_KEYPOINT_COUNT }, (_, index) => ({
    x: region.left + output[index * 3 + 1] * region.side,
    y: region.top + output[index * 3] * region.side,
    score: output[index * 3 + 2],
  }));
}
