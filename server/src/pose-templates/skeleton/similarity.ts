import { JOINT_COUNT, Joint, mirrorKeypoints, type Pose } from './keypoints.js';
import { neckOf, toPoints, torsoLength, type Point } from './pose-geometry.js';

/** A pose moved so its neck is the origin and scaled so its torso is 1: position and size no longer matter. */
export type NormalisedPose = ReadonlyArray<Point | undefined>;

/**
 * A joint present in only one of two poses costs half a torso length, about
 * the average joint distance between unrelated poses: missing joints neither
 * hide a difference nor dominate it. Joints missing from both are ignored.
 */
const ONE_SIDED_PENALTY = 0.5;
/** One wild joint should not outweigh the rest of the body. */
const JOINT_DISTANCE_CAP = 1;
/** The five face points sit close together and say little about the pose. */
const FACE_JOINTS = new Set<number>([Joint.nose, Joint.rightEye, Joint.leftEye, Joint.rightEar, Joint.leftEar]);
const JOINT_WEIGHTS = Array.from({ length: JOINT_COUNT }, (_, joint) => (FACE_JOINTS.has(joint) ? 0.5 : 1));

export function normalisePose(pose: Pose): NormalisedPose {
  const points = toPoints(pose);
  const present = points.filter((point): point is Point => point !== undefined);
  const origin = neckOf(points) ?? centroid(present);
  const scale =
    torsoLength(points) ??
    Math.max(1e-9, ...present.map((point) => Math.hypot(point.x - origin.x, point.y - origin.y)));
  return points.map((point) =>
    point ? { x: (point.x - origin.x) / scale, y: (point.y - origin.y) / scale } : undefined,
  );
}

function centroid(points: readonly Point[]): Point {
  if (points.length === 0) return { x: 0, y: 0 };
  return {
    x: points.reduce((sum, point) => sum + point.x, 0) / points.length,
    y: points.reduce((sum, point) => sum + point.y, 0) / points.length,
  };
}

// Math.hypot guards against overflow that coordinates in torso lengths never reach, at several times the cost:
// batch selection compares hundreds of thousands of pairs.
const distanceBetween = (a: Point, b: Point) => Math.sqrt((a.x - b.x) ** 2 + (a.y - b.y) ** 2);

/** Weighted mean joint distance in torso lengths: 0 for the same pose at any position and scale. */
export function poseDistance(a: NormalisedPose, b: NormalisedPose): number {
  let total = 0;
  let weights = 0;
  for (let joint = 0; joint < JOINT_COUNT; joint++) {
    const [pointA, pointB] = [a[joint], b[joint]];
    if (!pointA && !pointB) continue;
    const weight = JOINT_WEIGHTS[joint];
    const jointDistance =
      pointA && pointB ? Math.min(JOINT_DISTANCE_CAP, distanceBetween(pointA, pointB)) : ONE_SIDED_PENALTY;
    total += weight * jointDistance;
    weights += weight;
  }
  return weights === 0 ? JOINT_DISTANCE_CAP : total / weights;
}

/** A pose prepared for comparisons: normalised as it is and, for mirror-aware search, as seen in a mirror. */
export interface ComparablePose {
  normalised: NormalisedPose;
  mirrored: NormalisedPose;
}

export function comparablePose(pose: Pose): ComparablePose {
  return {
    normalised: normalisePose(pose),
    mirrored: normalisePose({ ...pose, keypoints: mirrorKeypoints(pose.keypoints) }),
  };
}

/** Distance between two poses; with `mirror`, b's mirror image counts too and `mirrored` tells which matched. */
export function comparePoses(
  a: ComparablePose,
  b: ComparablePose,
  options: { mirror: boolean },
): { distance: number; mirrored: boolean } {
  const direct = poseDistance(a.normalised, b.normalised);
  if (!options.mirror) return { distance: direct, mirrored: false };
  const reflected = poseDistance(a.normalised, b.mirrored);
  return reflected < direct ? { distance: reflected, mirrored: true } : { distance: direct, mirrored: false };
}
