import { COCO_17, toBody18Joints } from '../pose-templates/importers/coco-format.js';
import { MISSING, type Keypoint } from '../pose-templates/skeleton/keypoints.js';
import { KEYPOINT_THRESHOLD, MOVENET_KEYPOINT_COUNT } from './movenet-regions.js';
import type { DetectedPerson, NormalisedBox } from './pose-detector.js';

/**
 * "Is there a person?": MoveNet single-pose always answers 17 keypoints, person or not, so its scores decide.
 * Both must hold (tuned on the COCO fixtures, figures in docs/pose-detection.md).
 */
export const PERSON_RULE = {
  /** Mean score of the 17 keypoints; this mean is also the person's `score`. */
  minMeanScore: 0.25,
  /** Keypoints scored at or above KEYPOINT_THRESHOLD. */
  minConfidentJoints: 8,
} as const;

/** The person box is the box of the found joints grown by this share of its size on every side (head, hands). */
const BOX_PADDING = 0.1;

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));
const insideImage = (x: number, y: number) => x >= 0 && x <= 1 && y >= 0 && y <= 1;

/**
 * The person in MoveNet's 17 (x, y, score) triplets (x/y normalised to the image), as BODY_18 keypoints, or
 * undefined when the scores fail PERSON_RULE.
 */
export function personFromMovenet(triplets: readonly number[]): DetectedPerson | undefined {
  const scores = Array.from({ length: MOVENET_KEYPOINT_COUNT }, (_, index) => triplets[index * 3 + 2]);
  const score = scores.reduce((sum, value) => sum + value, 0) / scores.length;
  const confidentJoints = scores.filter((value) => value >= KEYPOINT_THRESHOLD).length;
  if (score < PERSON_RULE.minMeanScore || confidentJoints < PERSON_RULE.minConfidentJoints) return undefined;

  const joints = toBody18Joints(COCO_17, triplets, (value) => (value >= KEYPOINT_THRESHOLD ? value : 0));
  // A joint placed in the padding past the image's edge was guessed, not seen.
  const keypoints = joints.map((joint): Keypoint =>
    joint.c > 0 && insideImage(joint.x, joint.y) ? { ...joint } : { ...MISSING },
  );
  return { score, box: paddedBox(keypoints.filter((keypoint) => keypoint.c > 0)), keypoints };
}

function paddedBox(found: readonly Keypoint[]): NormalisedBox {
  const xs = found.map((keypoint) => keypoint.x);
  const ys = found.map((keypoint) => keypoint.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const [padX, padY] = [(maxX - minX) * BOX_PADDING, (maxY - minY) * BOX_PADDING];
  const [left, top] = [clamp01(minX - padX), clamp01(minY - padY)];
  return { x: left, y: top, width: clamp01(maxX + padX) - left, height: clamp01(maxY + padY) - top };
}
