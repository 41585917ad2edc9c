import { LIMBS, isPresent, type Canvas, type Keypoint } from './keypoints.js';

/**
 * The limbs whose direction says what the pose is: arms, legs and the torso (neck to shoulders and hips),
 * the first 12 of OpenPose's limb list. The face limbs are left out: their directions follow the head's
 * turn, which a prompt changes freely.
 */
const BODY_LIMBS = LIMBS.slice(0, 12);

/**
 * poseError at which qualityScore reaches 0. On real photos whose pose matches, the detector's
 * limb-direction error is about 6–7° at the median and 18–26° at p90; an unrelated pose is about 50°.
 */
export const POSE_ERROR_AT_ZERO_QUALITY = 60;

export interface PoseAdherence {
  /** Mean absolute difference of limb directions, in degrees; null when no limb is present in both poses. */
  poseError: number | null;
  /** 1 - poseError / 60, clamped to 0..1; 0 when nothing could be compared. */
  qualityScore: number;
  /** How many limbs were compared. */
  limbs: number;
}

/** Direction of a limb in degrees, measured in pixels of `canvas` so a non-square image keeps true angles. */
function limbDirection(from: Keypoint, to: Keypoint, canvas: Canvas): number {
  return (Math.atan2((to.y - from.y) * canvas.height, (to.x - from.x) * canvas.width) * 180) / Math.PI;
}

/** The smaller angle between two directions, 0..180 degrees. */
function angleBetween(a: number, b: number): number {
  const difference = Math.abs(a - b) % 360;
  return difference > 180 ? 360 - difference : difference;
}

/**
 * How closely `detected` keeps the pose that was `asked`, both normalised 0..1 to the same image of size
 * `canvas`: the mean limb-direction difference over the arm, leg and torso limbs present in both.
 */
export function poseAdherence(
  asked: readonly Keypoint[],
  detected: readonly Keypoint[],
  canvas: Canvas,
): PoseAdherence {
  const differences: number[] = [];
  for (const [from, to] of BODY_LIMBS) {
    const [askedFrom, askedTo, foundFrom, foundTo] = [asked[from], asked[to], detected[from], detected[to]];
    if (!isPresent(askedFrom) || !isPresent(askedTo) || !isPresent(foundFrom) || !isPresent(foundTo)) continue;
    differences.push(
      angleBetween(limbDirection(askedFrom, askedTo, canvas), limbDirection(foundFrom, foundTo, canvas)),
    );
  }
  if (differences.length === 0) return { poseError: null, qualityScore: 0, limbs: 0 };
  const poseError = differences.reduce((sum, value) => sum + value, 0) / differences.length;
  return { poseError, qualityScore: qualityFromPoseError(poseError), limbs: differences.length };
}

export function qualityFromPoseError(poseError: number): number {
  return Math.min(1, Math.max(0, 1 - poseError / POSE_ERROR_AT_ZERO_QUALITY));
}
