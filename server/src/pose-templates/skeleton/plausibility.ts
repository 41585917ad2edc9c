import { JOINT_NAMES, Joint, type Pose } from './keypoints.js';
import {
  NOMINAL_SEGMENTS,
  bodyUp,
  distance,
  hipCentre,
  interiorAngle,
  neckOf,
  segmentsCross,
  toPoints,
  torsoLength,
  type Point,
} from './pose-geometry.js';

/**
 * 2D length ranges of each segment as a share of the torso length. The upper
 * bounds are human maxima (a projection never lengthens a bone); the lower
 * bounds leave room for foreshortening, down to about a third.
 */
const SEGMENT_RANGES: Array<{ name: string; from: number; to: number; min: number; max: number }> = [
  { name: 'shoulder span', from: Joint.rightShoulder, to: Joint.leftShoulder, min: 0.08, max: 0.85 },
  { name: 'hip span', from: Joint.rightHip, to: Joint.leftHip, min: 0.04, max: 0.5 },
  { name: 'neck to nose', from: Joint.neck, to: Joint.nose, min: 0.12, max: 0.6 },
  { name: 'right upper arm', from: Joint.rightShoulder, to: Joint.rightElbow, min: 0.12, max: 0.62 },
  { name: 'left upper arm', from: Joint.leftShoulder, to: Joint.leftElbow, min: 0.12, max: 0.62 },
  { name: 'right forearm', from: Joint.rightElbow, to: Joint.rightWrist, min: 0.1, max: 0.58 },
  { name: 'left forearm', from: Joint.leftElbow, to: Joint.leftWrist, min: 0.1, max: 0.58 },
  { name: 'right thigh', from: Joint.rightHip, to: Joint.rightKnee, min: 0.15, max: 0.92 },
  { name: 'left thigh', from: Joint.leftHip, to: Joint.leftKnee, min: 0.15, max: 0.92 },
  { name: 'right shin', from: Joint.rightKnee, to: Joint.rightAnkle, min: 0.15, max: 0.88 },
  { name: 'left shin', from: Joint.leftKnee, to: Joint.leftAnkle, min: 0.15, max: 0.88 },
];

/** Shoulder span (torso lengths) from which the torso is seen frontally enough to block an upper arm. */
const FRONTAL_SHOULDER_SPAN = 0.45;
/** Elbows and knees flex to about 150 degrees, so the angle between their segments never closes below about 30 (20 leaves room for projection). */
const MIN_HINGE_ANGLE = 20;
/** Segments at least this share of their nominal length lie near the image plane, so their 2D angle is their real angle. */
const IN_PLANE_SHARE = 0.85;
const HINGES: Array<[string, number, number, number]> = [
  ['right elbow', Joint.rightShoulder, Joint.rightElbow, Joint.rightWrist],
  ['left elbow', Joint.leftShoulder, Joint.leftElbow, Joint.leftWrist],
  ['right knee', Joint.rightHip, Joint.rightKnee, Joint.rightAnkle],
  ['left knee', Joint.leftHip, Joint.leftKnee, Joint.leftAnkle],
];
const nominalLength = (from: number, to: number) =>
  NOMINAL_SEGMENTS.find(([start, end]) => start === from && end === to)![2];
/** Share of the canvas kept clear at each edge so no joint is drawn cut in half. */
const CANVAS_MARGIN = 0.005;

/**
 * Lists what makes a pose anatomically implausible: segment lengths outside
 * human ranges, an upper arm through a frontal torso or a thigh through the
 * chest, an elbow or knee folded past its limit, a torso twisted past 90
 * degrees, or joints outside the canvas.
 * An empty list means the pose passes.
 */
export function findImplausibilities(pose: Pose): string[] {
  const problems: string[] = [];
  pose.keypoints.forEach((keypoint, joint) => {
    const outside = [keypoint.x, keypoint.y].some((value) => value < CANVAS_MARGIN || value > 1 - CANVAS_MARGIN);
    if (keypoint.c > 0 && outside) problems.push(`${JOINT_NAMES[joint]} lies outside the canvas`);
  });

  const points = toPoints(pose);
  const neck = neckOf(points);
  const torso = torsoLength(points);
  if (!neck || !points[Joint.rightShoulder] || !points[Joint.leftShoulder] || !torso) {
    problems.push('the neck and both shoulders are needed to judge the body');
    return problems;
  }

  for (const segment of SEGMENT_RANGES) {
    const [from, to] = [points[segment.from], points[segment.to]];
    if (!from || !to) continue;
    const ratio = distance(from, to) / torso;
    if (ratio < segment.min || ratio > segment.max) {
      problems.push(
        `${segment.name} is ${ratio.toFixed(2)} torso lengths (human range ${segment.min}..${segment.max})`,
      );
    }
  }

  const p = (joint: number) => points[joint];
  const crosses = (start: Point | undefined, end: Point | undefined, a: Point | undefined, b: Point | undefined) =>
    start !== undefined && end !== undefined && a !== undefined && b !== undefined && segmentsCross(start, end, a, b);
  // Only a torso seen from the front is a barrier: in a turned view limbs legitimately overlap it in 2D.
  const [rightShoulder, leftShoulder] = [p(Joint.rightShoulder)!, p(Joint.leftShoulder)!];
  if (distance(rightShoulder, leftShoulder) >= FRONTAL_SHOULDER_SPAN * torso) {
    if (crosses(rightShoulder, p(Joint.rightElbow), leftShoulder, p(Joint.leftHip)))
      problems.push('right upper arm passes through the torso');
    if (crosses(leftShoulder, p(Joint.leftElbow), rightShoulder, p(Joint.rightHip)))
      problems.push('left upper arm passes through the torso');
  }
  if (crosses(p(Joint.rightHip), p(Joint.rightKnee), rightShoulder, leftShoulder))
    problems.push('right thigh passes through the chest');
  if (crosses(p(Joint.leftHip), p(Joint.leftKnee), rightShoulder, leftShoulder))
    problems.push('left thigh passes through the chest');

  for (const [name, root, hinge, tip] of HINGES) {
    const [a, b, c] = [p(root), p(hinge), p(tip)];
    if (!a || !b || !c) continue;
    const inImagePlane =
      distance(a, b) >= IN_PLANE_SHARE * nominalLength(root, hinge) * torso &&
      distance(b, c) >= IN_PLANE_SHARE * nominalLength(hinge, tip) * torso;
    if (inImagePlane && interiorAngle(a, b, c) < MIN_HINGE_ANGLE) problems.push(`${name} is folded past its limit`);
  }

  const hips = hipCentre(points);
  const rightHip = p(Joint.rightHip);
  if (hips && rightHip && p(Joint.leftHip)) {
    const up = bodyUp(points);
    const sideOf = (point: Point, origin: Point) => up.x * (point.y - origin.y) - up.y * (point.x - origin.x);
    const shoulderSide = sideOf(rightShoulder, neck);
    const hipSide = sideOf(rightHip, hips);
    const clearlyApart = Math.min(Math.abs(shoulderSide), Math.abs(hipSide)) > 0.05 * torso;
    if (clearlyApart && Math.sign(shoulderSide) !== Math.sign(hipSide))
      problems.push('the torso is twisted past 90 degrees');
  }
  return problems;
}
