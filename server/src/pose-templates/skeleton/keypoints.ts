/**
 * The 18-point OpenPose body model (BODY_18 / COCO-18 order) that every pose
 * template stores: x and y normalised to 0..1 of the template's canvas, c the
 * confidence (0 = missing).
 */
export const JOINT_NAMES = [
  'nose',
  'neck',
  'right-shoulder',
  'right-elbow',
  'right-wrist',
  'left-shoulder',
  'left-elbow',
  'left-wrist',
  'right-hip',
  'right-knee',
  'right-ankle',
  'left-hip',
  'left-knee',
  'left-ankle',
  'right-eye',
  'left-eye',
  'right-ear',
  'left-ear',
] as const;

export type JointName = (typeof JOINT_NAMES)[number];
export const JOINT_COUNT = JOINT_NAMES.length;

/** Joint indices by name, so code reads `Joint.rightWrist` instead of a bare 4. */
export const Joint = {
  nose: 0,
  neck: 1,
  rightShoulder: 2,
  rightElbow: 3,
  rightWrist: 4,
  leftShoulder: 5,
  leftElbow: 6,
  leftWrist: 7,
  rightHip: 8,
  rightKnee: 9,
  rightAnkle: 10,
  leftHip: 11,
  leftKnee: 12,
  leftAnkle: 13,
  rightEye: 14,
  leftEye: 15,
  rightEar: 16,
  leftEar: 17,
} as const;

export interface Keypoint {
  x: number;
  y: number;
  /** Confidence; 0 means the joint is missing. */
  c: number;
}

/** The pixel size of the frame the keypoints were normalised against. */
export interface Canvas {
  width: number;
  height: number;
}

export interface Pose {
  keypoints: Keypoint[];
  canvas: Canvas;
}

export const MISSING: Readonly<Keypoint> = Object.freeze({ x: 0, y: 0, c: 0 });

/**
 * The 17 limbs in the order OpenPose and controlnet_aux draw them (`limbSeq`,
 * converted to 0-based); limb i is drawn in palette colour i.
 */
export const LIMBS: ReadonlyArray<readonly [number, number]> = [
  [Joint.neck, Joint.rightShoulder],
  [Joint.neck, Joint.leftShoulder],
  [Joint.rightShoulder, Joint.rightElbow],
  [Joint.rightElbow, Joint.rightWrist],
  [Joint.leftShoulder, Joint.leftElbow],
  [Joint.leftElbow, Joint.leftWrist],
  [Joint.neck, Joint.rightHip],
  [Joint.rightHip, Joint.rightKnee],
  [Joint.rightKnee, Joint.rightAnkle],
  [Joint.neck, Joint.leftHip],
  [Joint.leftHip, Joint.leftKnee],
  [Joint.leftKnee, Joint.leftAnkle],
  [Joint.neck, Joint.nose],
  [Joint.nose, Joint.rightEye],
  [Joint.rightEye, Joint.rightEar],
  [Joint.nose, Joint.leftEye],
  [Joint.leftEye, Joint.leftEar],
];

/** The OpenPose palette: joint i and limb i share colour i (RGB). */
export const POSE_COLORS: ReadonlyArray<readonly [number, number, number]> = [
  [255, 0, 0],
  [255, 85, 0],
  [255, 170, 0],
  [255, 255, 0],
  [170, 255, 0],
  [85, 255, 0],
  [0, 255, 0],
  [0, 255, 85],
  [0, 255, 170],
  [0, 255, 255],
  [0, 170, 255],
  [0, 85, 255],
  [0, 0, 255],
  [85, 0, 255],
  [170, 0, 255],
  [255, 0, 255],
  [255, 0, 170],
  [255, 0, 85],
];

/** For each joint, the joint on the other side of the body (itself for nose and neck). */
export const MIRRORED_JOINT: readonly number[] = JOINT_NAMES.map((name) => {
  const swapped = name.startsWith('right-')
    ? name.replace('right-', 'left-')
    : name.startsWith('left-')
      ? name.replace('left-', 'right-')
      : name;
  return JOINT_NAMES.indexOf(swapped as JointName);
});

export function isPresent(keypoint: Keypoint | undefined): keypoint is Keypoint {
  return keypoint !== undefined && keypoint.c > 0;
}

export function countPresent(keypoints: readonly Keypoint[]): number {
  return keypoints.filter(isPresent).length;
}

/** The pose seen in a mirror: x flipped and left/right labels swapped, so it stays anatomically valid. */
export function mirrorKeypoints(keypoints: readonly Keypoint[]): Keypoint[] {
  return MIRRORED_JOINT.map((source) => {
    const keypoint = keypoints[source];
    return isPresent(keypoint) ? { x: 1 - keypoint.x, y: keypoint.y, c: keypoint.c } : { ...MISSING };
  });
}

/** Describes why a keypoint list is not a valid 18-point pose, or returns undefined when it is. */
export function describeInvalidKeypoints(keypoints: unknown): string | undefined {
  if (!Array.isArray(keypoints)) return 'keypoints must be an array of 18 {x, y, c}';
  if (keypoints.length !== JOINT_COUNT) return `keypoints must have ${JOINT_COUNT} entries, got ${keypoints.length}`;
  for (const [index, keypoint] of keypoints.entries()) {
    const where = `keypoints[${index}] (${JOINT_NAMES[index]})`;
    if (typeof keypoint !== 'object' || keypoint === null) return `${where} must be an object {x, y, c}`;
    const { x, y, c } = keypoint as Record<string, unknown>;
    if (![x, y, c].every((value) => typeof value === 'number' && Number.isFinite(value))) {
      return `${where} needs finite numbers x, y and c`;
    }
    if ((c as number) < 0 || (c as number) > 1) return `${where}.c must be between 0 and 1`;
    if ((c as number) > 0 && ((x as number) < 0 || (x as number) > 1 || (y as number) < 0 || (y as number) > 1)) {
      return `${where} must lie inside the canvas (x and y between 0 and 1)`;
    }
  }
  if (countPresent(keypoints as Keypoint[]) === 0) return 'keypoints has no present joint (every c is 0)';
  return undefined;
}

/** Joints 1..13 (neck to ankles): a usable pose needs some body, not only a face. */
const BODY_JOINTS = Array.from({ length: 13 }, (_, index) => index + 1);
const MIN_BODY_JOINTS = 4;

/** Describes why a pose has too little body to guide a generation, or returns undefined when it has enough. */
export function describeTooFewBodyJoints(keypoints: readonly Keypoint[]): string | undefined {
  const present = BODY_JOINTS.filter((joint) => isPresent(keypoints[joint])).length;
  if (present >= MIN_BODY_JOINTS) return undefined;
  return `too few visible body joints: ${present} (at least ${MIN_BODY_JOINTS} of neck, shoulders, elbows, wrists, hips, knees and ankles are needed)`;
}

/** Rounds coordinates so stored poses are stable and compact (1/10000 of the canvas is below a pixel). */
export function roundKeypoints(keypoints: readonly Keypoint[]): Keypoint[] {
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  return keypoints.map((keypoint) =>
    isPresent(keypoint) ? { x: round(keypoint.x), y: round(keypoint.y), c: round(keypoint.c) } : { ...MISSING },
  );
}
