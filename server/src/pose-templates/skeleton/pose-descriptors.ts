import { Joint, type Pose } from './keypoints.js';
import {
  NOMINAL_SEGMENTS,
  bodyUp,
  distance,
  distanceToSegment,
  interiorAngle,
  midpoint,
  neckOf,
  toPoints,
  torsoLength,
  type Point,
  type PosePoints,
} from './pose-geometry.js';

export const PRODUCT_PLACEMENTS = ['hand-right', 'hand-left', 'both-hands', 'near-face', 'worn'] as const;
export type ProductPlacement = (typeof PRODUCT_PLACEMENTS)[number];
export const POSE_DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export type PoseDifficulty = (typeof POSE_DIFFICULTIES)[number];

/** A wrist this close to the face (in torso lengths) is applying or showing something at the face. */
const NEAR_FACE = 0.45;
/** Two holding hands this close together hold one product. */
const HANDS_TOGETHER = 0.5;
/** A wrist this close to its hip rests there (in a pocket). */
const RESTING_AT_HIP = 0.25;
/** A wrist this close to the side of the waist, with the elbow out, is a hand on the hip. */
const RESTING_AT_WAIST = 0.15;

/** Positions relative to the neck in torso lengths: `down` along the body, `toLeft` towards the figure's left. */
function bodyCoordinates(points: PosePoints) {
  const neck = neckOf(points);
  const torso = torsoLength(points);
  if (!neck || !torso) return undefined;
  const up = bodyUp(points);
  // The figure's left is image-right for a figure facing the camera: up rotated a quarter turn clockwise.
  const leftward = { x: -up.y, y: up.x };
  return (point: Point) => {
    const offset = { x: point.x - neck.x, y: point.y - neck.y };
    return {
      down: -(offset.x * up.x + offset.y * up.y) / torso,
      toLeft: (offset.x * leftward.x + offset.y * leftward.y) / torso,
    };
  };
}

function faceCentre(points: PosePoints): Point | undefined {
  const pair = (a: Point | undefined, b: Point | undefined) => (a && b ? midpoint(a, b) : (a ?? b));
  return (
    points[Joint.nose] ??
    pair(points[Joint.rightEye], points[Joint.leftEye]) ??
    pair(points[Joint.rightEar], points[Joint.leftEar])
  );
}

/**
 * Where a product naturally sits in this pose, from the geometry alone: a hand
 * at the face, two hands together in front of the body, one raised hand, or
 * hands at rest (the product is worn).
 */
export function deriveProductPlacement(pose: Pose): ProductPlacement {
  const points = toPoints(pose);
  const inBody = bodyCoordinates(points);
  const torso = torsoLength(points);
  if (!inBody || !torso) return 'worn';
  const [rightWrist, leftWrist] = [points[Joint.rightWrist], points[Joint.leftWrist]];
  const face = faceCentre(points);
  if (face && [rightWrist, leftWrist].some((wrist) => wrist && distance(wrist, face) < NEAR_FACE * torso))
    return 'near-face';

  const holding = (
    wrist: Point | undefined,
    elbow: Point | undefined,
    shoulder: Point | undefined,
    hip: Point | undefined,
  ) => {
    if (!wrist) return false;
    const { down, toLeft } = inBody(wrist);
    const inPocket = hip !== undefined && distance(wrist, hip) < RESTING_AT_HIP * torso;
    const akimbo =
      elbow !== undefined &&
      shoulder !== undefined &&
      hip !== undefined &&
      distanceToSegment(wrist, shoulder, hip) < RESTING_AT_WAIST * torso &&
      Math.abs(inBody(elbow).toLeft) > Math.abs(toLeft) + 0.1;
    return down > -0.3 && down < 0.8 && !inPocket && !akimbo;
  };
  const crossed = rightWrist && leftWrist && inBody(rightWrist).toLeft > 0.1 && inBody(leftWrist).toLeft < -0.1;
  const right = holding(rightWrist, points[Joint.rightElbow], points[Joint.rightShoulder], points[Joint.rightHip]);
  const left = holding(leftWrist, points[Joint.leftElbow], points[Joint.leftShoulder], points[Joint.leftHip]);
  if (crossed || (!right && !left)) return 'worn';
  if (right && left) {
    if (distance(rightWrist!, leftWrist!) < HANDS_TOGETHER * torso) return 'both-hands';
    return inBody(rightWrist!).down <= inBody(leftWrist!).down ? 'hand-right' : 'hand-left';
  }
  return right ? 'hand-right' : 'hand-left';
}

/**
 * How hard the pose is for a diffusion model to follow, from what tends to
 * fail: turned bodies, crossed or raised arms, bent legs, limbs pointing at the
 * camera and leaning torsos each add to a score.
 */
export function poseDifficultyScore(pose: Pose): number {
  const points = toPoints(pose);
  const inBody = bodyCoordinates(points);
  const torso = torsoLength(points);
  if (!inBody || !torso) return 0;
  const p = (joint: number) => points[joint];
  let score = 0;

  const [rightShoulder, leftShoulder] = [p(Joint.rightShoulder), p(Joint.leftShoulder)];
  if (rightShoulder && leftShoulder)
    score += 0.8 * Math.min(1, Math.max(0, 1 - distance(rightShoulder, leftShoulder) / (0.6 * torso)));

  for (const [wrist, side] of [
    [p(Joint.rightWrist), -1],
    [p(Joint.leftWrist), 1],
  ] as const) {
    if (!wrist) continue;
    const position = inBody(wrist);
    if (position.down < 0) score += 0.25;
    if (position.toLeft * side < -0.1) score += 0.35;
  }
  for (const [hip, knee, ankle] of [
    [Joint.rightHip, Joint.rightKnee, Joint.rightAnkle],
    [Joint.leftHip, Joint.leftKnee, Joint.leftAnkle],
  ]) {
    const [a, b, c] = [p(hip), p(knee), p(ankle)];
    if (a && b && c && interiorAngle(a, b, c) < 130) score += 0.35;
  }
  const [rightAnkle, leftAnkle] = [p(Joint.rightAnkle), p(Joint.leftAnkle)];
  if (rightAnkle && leftAnkle && inBody(rightAnkle).toLeft > inBody(leftAnkle).toLeft + 0.05) score += 0.3;
  for (const [from, to, nominal] of NOMINAL_SEGMENTS) {
    const [a, b] = [p(from), p(to)];
    if (a && b && distance(a, b) < 0.6 * nominal * torso) score += 0.15;
  }
  const up = bodyUp(points);
  if (Math.abs(Math.atan2(up.x, -up.y)) > (15 * Math.PI) / 180) score += 0.3;
  return score;
}

/** Score bands chosen so the built-in library splits about 45% easy, 35% medium, 20% hard. */
const EASY_BELOW = 0.3;
const MEDIUM_BELOW = 0.8;

export function deriveDifficulty(pose: Pose): PoseDifficulty {
  const score = poseDifficultyScore(pose);
  return score < EASY_BELOW ? 'easy' : score < MEDIUM_BELOW ? 'medium' : 'hard';
}
