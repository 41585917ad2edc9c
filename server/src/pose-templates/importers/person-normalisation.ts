import { JOINT_COUNT, MISSING, describeTooFewBodyJoints, type Canvas, type Keypoint } from '../skeleton/keypoints.js';

/** A joint as read from a file: pixels or already normalised, not yet checked. */
export interface RawJoint {
  x: number;
  y: number;
  c: number;
}

export type NormalisedPerson = { keypoints: Keypoint[]; canvas: Canvas } | { reason: string };

/** Coordinates all within this range are taken as normalised 0..1 (editors write -1 px as about -0.002). */
const NORMALISED_RANGE = { min: -0.5, max: 1.5 };
/** The canvas assumed for normalised coordinates from a file that states no size. */
export const DEFAULT_CANVAS: Canvas = { width: 512, height: 512 };
/** Margin around the bounding box when a pixel pose comes without a frame size, as a share of its longer side. */
const BOUNDING_BOX_MARGIN = 0.15;

const isDetected = (joint: RawJoint) => joint.c > 0 && !(joint.x === 0 && joint.y === 0);

/**
 * Turns 18 raw joints into a stored pose. Pixel coordinates are divided by the
 * stated canvas; without one, the canvas becomes the figure's bounding box plus
 * a margin. Points outside the canvas are editor artefacts (the "-1 px" points),
 * so they count as missing.
 */
export function normalisePerson(joints: readonly RawJoint[], statedCanvas: Canvas | undefined): NormalisedPerson {
  if (joints.length !== JOINT_COUNT) return { reason: `expected ${JOINT_COUNT} joints, got ${joints.length}` };
  const detected = joints.filter(isDetected);
  if (detected.length === 0) return { reason: 'no visible joint (every confidence or visibility is 0)' };

  const looksNormalised = detected.every(
    (joint) =>
      joint.x >= NORMALISED_RANGE.min &&
      joint.x <= NORMALISED_RANGE.max &&
      joint.y >= NORMALISED_RANGE.min &&
      joint.y <= NORMALISED_RANGE.max,
  );
  let canvas: Canvas;
  let toNormalised: (joint: RawJoint) => { x: number; y: number };
  if (looksNormalised) {
    canvas = statedCanvas ?? DEFAULT_CANVAS;
    toNormalised = (joint) => ({ x: joint.x, y: joint.y });
  } else if (statedCanvas) {
    canvas = statedCanvas;
    toNormalised = (joint) => ({ x: joint.x / statedCanvas.width, y: joint.y / statedCanvas.height });
  } else {
    const frame = boundingFrame(detected);
    canvas = { width: frame.width, height: frame.height };
    toNormalised = (joint) => ({ x: (joint.x - frame.left) / frame.width, y: (joint.y - frame.top) / frame.height });
  }

  const keypoints = joints.map((joint): Keypoint => {
    if (!isDetected(joint)) return { ...MISSING };
    const { x, y } = toNormalised(joint);
    if (x < 0 || x > 1 || y < 0 || y > 1) return { ...MISSING };
    // Detectors occasionally report c slightly above 1 (1.00587 in the hmr sample).
    return { x, y, c: Math.min(joint.c, 1) };
  });

  const tooFew = describeTooFewBodyJoints(keypoints);
  return tooFew ? { reason: tooFew } : { keypoints, canvas };
}

function boundingFrame(joints: readonly RawJoint[]) {
  const xs = joints.map((joint) => joint.x);
  const ys = joints.map((joint) => joint.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const margin = Math.max(maxX - minX, maxY - minY, 1) * BOUNDING_BOX_MARGIN;
  const left = minX - margin;
  const top = minY - margin;
  return {
    left,
    top,
    width: Math.ceil(maxX + margin - left),
    height: Math.ceil(maxY + margin - top),
  };
}

/** Reads a positive pixel size pair, or undefined when the file does not state one. */
export function readCanvas(width: unknown, height: unknown): Canvas | undefined {
  // Some editors write the size as a string ("512").
  const size = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value);
  const [w, h] = [size(width), size(height)];
  const isSize = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0;
  return isSize(w) && isSize(h) ? { width: Math.round(w), height: Math.round(h) } : undefined;
}
