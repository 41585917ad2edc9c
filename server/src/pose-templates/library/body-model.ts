import { JOINT_COUNT, Joint } from '../skeleton/keypoints.js';

/**
 * A parametric human skeleton: segment lengths in units of the torso (neck to
 * mid-hip = 1), joint angles in degrees, posed in 3D and projected
 * orthographically, so foreshortening and turned views come out of the
 * geometry rather than being drawn by hand.
 *
 * Body frame: x towards the figure's left, y down, z forward (towards the camera
 * when the figure faces it).
 */
export interface BodyProportions {
  neckToNose: number;
  /** How far the nose sits in front of the neck. */
  noseForward: number;
  shoulderHalfWidth: number;
  upperArm: number;
  forearm: number;
  hipHalfWidth: number;
  thigh: number;
  shin: number;
  eyeHalfSpacing: number;
  eyeRise: number;
  earHalfSpacing: number;
  earRise: number;
}

/** Measured on OpenPose detections (joint centres, not body outlines); children have larger heads and shorter limbs. */
export const BODY_PROPORTIONS = {
  female: {
    neckToNose: 0.37,
    noseForward: 0.12,
    shoulderHalfWidth: 0.29,
    upperArm: 0.5,
    forearm: 0.45,
    hipHalfWidth: 0.2,
    thigh: 0.78,
    shin: 0.74,
    eyeHalfSpacing: 0.06,
    eyeRise: 0.06,
    earHalfSpacing: 0.13,
    earRise: 0.03,
  },
  male: {
    neckToNose: 0.37,
    noseForward: 0.12,
    shoulderHalfWidth: 0.34,
    upperArm: 0.52,
    forearm: 0.47,
    hipHalfWidth: 0.17,
    thigh: 0.76,
    shin: 0.73,
    eyeHalfSpacing: 0.065,
    eyeRise: 0.06,
    earHalfSpacing: 0.14,
    earRise: 0.03,
  },
  unisex: {
    neckToNose: 0.37,
    noseForward: 0.12,
    shoulderHalfWidth: 0.315,
    upperArm: 0.51,
    forearm: 0.46,
    hipHalfWidth: 0.185,
    thigh: 0.77,
    shin: 0.735,
    eyeHalfSpacing: 0.062,
    eyeRise: 0.06,
    earHalfSpacing: 0.135,
    earRise: 0.03,
  },
  child: {
    neckToNose: 0.46,
    noseForward: 0.13,
    shoulderHalfWidth: 0.3,
    upperArm: 0.45,
    forearm: 0.4,
    hipHalfWidth: 0.17,
    thigh: 0.66,
    shin: 0.6,
    eyeHalfSpacing: 0.08,
    eyeRise: 0.07,
    earHalfSpacing: 0.17,
    earRise: 0.03,
  },
} satisfies Record<string, BodyProportions>;

export interface ArmAngles {
  /** Away from the body in the frontal plane; 0 hangs down, 90 is sideways, 180 overhead; negative crosses the body. */
  abduction: number;
  /** Forward swing; negative swings back. */
  flexion: number;
  /** Elbow bend; 0 is a straight arm. */
  elbow: number;
  /** Upper-arm rotation that swings the bent forearm towards the midline (positive) or outwards. */
  twist: number;
}

export interface LegAngles {
  abduction: number;
  /** Forward swing of the thigh; about 90 when seated. */
  flexion: number;
  /** Knee bend, backwards; 0 is a straight leg. */
  knee: number;
}

export interface PoseAngles {
  /** Whole-body turn about the vertical axis; positive turns the figure to its left (towards image right). */
  yaw: number;
  /** Forward bend of the torso at the hips. */
  torsoPitch: number;
  /** Sideways lean of the torso, positive towards the figure's left. */
  torsoRoll: number;
  headTurn: number;
  /** Head roll, positive towards the figure's left shoulder. */
  headTilt: number;
  /** Chin down is positive. */
  headNod: number;
  rightArm: ArmAngles;
  leftArm: ArmAngles;
  rightLeg: LegAngles;
  leftLeg: LegAngles;
}

type Range = readonly [number, number];

/** Anatomical ranges every generated pose is clamped to. */
export const JOINT_LIMITS = {
  yaw: [-75, 75],
  torsoPitch: [-15, 45],
  torsoRoll: [-20, 20],
  headTurn: [-60, 60],
  headTilt: [-30, 30],
  headNod: [-30, 40],
  arm: { abduction: [-35, 180], flexion: [-50, 180], elbow: [0, 145], twist: [-90, 110] },
  leg: { abduction: [-30, 60], flexion: [-30, 130], knee: [0, 150] },
} as const satisfies {
  [key: string]: Range | Record<string, Range>;
};

const clamp = (value: number, [min, max]: Range) => Math.min(max, Math.max(min, value));

export function clampToLimits(angles: PoseAngles): PoseAngles {
  const arm = (limb: ArmAngles): ArmAngles => ({
    abduction: clamp(limb.abduction, JOINT_LIMITS.arm.abduction),
    flexion: clamp(limb.flexion, JOINT_LIMITS.arm.flexion),
    elbow: clamp(limb.elbow, JOINT_LIMITS.arm.elbow),
    twist: clamp(limb.twist, JOINT_LIMITS.arm.twist),
  });
  const leg = (limb: LegAngles): LegAngles => ({
    abduction: clamp(limb.abduction, JOINT_LIMITS.leg.abduction),
    flexion: clamp(limb.flexion, JOINT_LIMITS.leg.flexion),
    knee: clamp(limb.knee, JOINT_LIMITS.leg.knee),
  });
  return {
    yaw: clamp(angles.yaw, JOINT_LIMITS.yaw),
    torsoPitch: clamp(angles.torsoPitch, JOINT_LIMITS.torsoPitch),
    torsoRoll: clamp(angles.torsoRoll, JOINT_LIMITS.torsoRoll),
    headTurn: clamp(angles.headTurn, JOINT_LIMITS.headTurn),
    headTilt: clamp(angles.headTilt, JOINT_LIMITS.headTilt),
    headNod: clamp(angles.headNod, JOINT_LIMITS.headNod),
    rightArm: arm(angles.rightArm),
    leftArm: arm(angles.leftArm),
    rightLeg: leg(angles.rightLeg),
    leftLeg: leg(angles.leftLeg),
  };
}

/** A projected joint in torso units (image axes: x right, y down); hidden joints are turned away from the camera. */
export interface ProjectedJoint {
  x: number;
  y: number;
  visible: boolean;
}

type Vector = readonly [number, number, number];

const radians = (degrees: number) => (degrees * Math.PI) / 180;
const add = (a: Vector, b: Vector): Vector => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a: Vector, factor: number): Vector => [a[0] * factor, a[1] * factor, a[2] * factor];
const dot = (a: Vector, b: Vector) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vector, b: Vector): Vector => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const normalise = (a: Vector): Vector => scale(a, 1 / Math.hypot(...a));

type Rotation = (vector: Vector) => Vector;
const aboutX = (degrees: number): Rotation => {
  const [c, s] = [Math.cos(radians(degrees)), Math.sin(radians(degrees))];
  return ([x, y, z]) => [x, y * c - z * s, y * s + z * c];
};
const aboutY = (degrees: number): Rotation => {
  const [c, s] = [Math.cos(radians(degrees)), Math.sin(radians(degrees))];
  return ([x, y, z]) => [x * c + z * s, y, -x * s + z * c];
};
const aboutZ = (degrees: number): Rotation => {
  const [c, s] = [Math.cos(radians(degrees)), Math.sin(radians(degrees))];
  return ([x, y, z]) => [x * c - y * s, x * s + y * c, z];
};
const compose =
  (...rotations: Rotation[]): Rotation =>
  (vector) =>
    rotations.reduceRight((rotated, rotation) => rotation(rotated), vector);

/** Rodrigues: rotates a vector about a unit axis. */
function aboutAxis(vector: Vector, axis: Vector, degrees: number): Vector {
  const [c, s] = [Math.cos(radians(degrees)), Math.sin(radians(degrees))];
  return add(add(scale(vector, c), scale(cross(axis, vector), s)), scale(axis, dot(axis, vector) * (1 - c)));
}

/** Direction of a limb's first segment from its abduction and flexion (0, 0 hangs straight down). */
function segmentDirection(side: -1 | 1, abduction: number, flexion: number): Vector {
  const [a, f] = [radians(abduction), radians(flexion)];
  return normalise([side * Math.sin(a) * Math.cos(f), Math.cos(a) * Math.cos(f), Math.sin(f)]);
}

/**
 * The second segment: the first one bent by `bend` degrees towards `hingeReference`
 * (forward-and-up for elbows, back-and-down for knees), the direction a hinge
 * joint folds for a limb in its rest orientation.
 */
function bentDirection(first: Vector, bend: number, hingeReference: Vector): Vector {
  let towards: Vector = add(hingeReference, scale(first, -dot(hingeReference, first)));
  if (Math.hypot(...towards) < 1e-6) towards = add([0, 0, 1], scale(first, -first[2]));
  towards = normalise(towards);
  return add(scale(first, Math.cos(radians(bend))), scale(towards, Math.sin(radians(bend))));
}

const ELBOW_HINGE: Vector = normalise([0, -1, 1]);
const KNEE_HINGE: Vector = normalise([0, 1, -1]);
/** The camera sits a little above the hips looking slightly down, as in most catalogue photos, so thighs of a seated figure stay visible. */
const CAMERA_ELEVATION = 12;
/** Beyond this head turn the far ear is behind the head, beyond the second the far eye too. */
const EAR_HIDDEN_FROM = 35;
const EYE_HIDDEN_FROM = 70;

/** Poses the skeleton and projects its 18 joints onto the image plane. */
export function projectSkeleton(angles: PoseAngles, body: BodyProportions): ProjectedJoint[] {
  const joints: Vector[] = Array.from({ length: JOINT_COUNT }, () => [0, 0, 0] as Vector);
  const torso = compose(aboutZ(angles.torsoRoll), aboutX(-angles.torsoPitch));
  const neck = torso([0, -1, 0]);
  joints[Joint.neck] = neck;

  const placeArm = (side: -1 | 1, arm: ArmAngles, shoulderJoint: number, elbowJoint: number, wristJoint: number) => {
    const shoulder: Vector = [side * body.shoulderHalfWidth, 0.03, 0];
    const upper = segmentDirection(side, arm.abduction, arm.flexion);
    // Twist rotates about the upper arm; the sign makes positive twist medial on both sides.
    const fore = aboutAxis(bentDirection(upper, arm.elbow, ELBOW_HINGE), upper, -side * arm.twist);
    const elbow = add(shoulder, scale(upper, body.upperArm));
    const wrist = add(elbow, scale(fore, body.forearm));
    joints[shoulderJoint] = add(neck, torso(shoulder));
    joints[elbowJoint] = add(neck, torso(elbow));
    joints[wristJoint] = add(neck, torso(wrist));
  };
  placeArm(-1, angles.rightArm, Joint.rightShoulder, Joint.rightElbow, Joint.rightWrist);
  placeArm(1, angles.leftArm, Joint.leftShoulder, Joint.leftElbow, Joint.leftWrist);

  const placeLeg = (side: -1 | 1, leg: LegAngles, hipJoint: number, kneeJoint: number, ankleJoint: number) => {
    const hip: Vector = [side * body.hipHalfWidth, 0, 0];
    const thigh = segmentDirection(side, leg.abduction, leg.flexion);
    const knee = add(hip, scale(thigh, body.thigh));
    joints[hipJoint] = hip;
    joints[kneeJoint] = knee;
    joints[ankleJoint] = add(knee, scale(bentDirection(thigh, leg.knee, KNEE_HINGE), body.shin));
  };
  placeLeg(-1, angles.rightLeg, Joint.rightHip, Joint.rightKnee, Joint.rightAnkle);
  placeLeg(1, angles.leftLeg, Joint.leftHip, Joint.leftKnee, Joint.leftAnkle);

  const head = compose(torso, aboutY(angles.headTurn), aboutZ(angles.headTilt), aboutX(-angles.headNod));
  const faceLevel = -body.neckToNose;
  const facePoints: Array<[number, Vector]> = [
    [Joint.nose, [0, faceLevel, body.noseForward]],
    [Joint.rightEye, [-body.eyeHalfSpacing, faceLevel - body.eyeRise, body.noseForward - 0.04]],
    [Joint.leftEye, [body.eyeHalfSpacing, faceLevel - body.eyeRise, body.noseForward - 0.04]],
    [Joint.rightEar, [-body.earHalfSpacing, faceLevel - body.earRise, body.noseForward - 0.17]],
    [Joint.leftEar, [body.earHalfSpacing, faceLevel - body.earRise, body.noseForward - 0.17]],
  ];
  for (const [joint, offset] of facePoints) joints[joint] = add(neck, head(offset));

  const view = compose(aboutX(-CAMERA_ELEVATION), aboutY(angles.yaw));
  const faceYaw = angles.yaw + angles.headTurn;
  const hidden = new Set<number>();
  if (faceYaw > EAR_HIDDEN_FROM) hidden.add(Joint.leftEar);
  if (faceYaw < -EAR_HIDDEN_FROM) hidden.add(Joint.rightEar);
  if (faceYaw > EYE_HIDDEN_FROM) hidden.add(Joint.leftEye);
  if (faceYaw < -EYE_HIDDEN_FROM) hidden.add(Joint.rightEye);
  return joints.map((joint, index) => {
    const [x, y] = view(joint);
    return { x, y, visible: !hidden.has(index) };
  });
}
