import { Joint, isPresent, type Pose } from './keypoints.js';

export interface Point {
  x: number;
  y: number;
}

/** Joints in the canvas's pixel proportions (x times width, y times height), so angles and lengths are true. */
export type PosePoints = Array<Point | undefined>;

export function toPoints(pose: Pose): PosePoints {
  return pose.keypoints.map((keypoint) =>
    isPresent(keypoint) ? { x: keypoint.x * pose.canvas.width, y: keypoint.y * pose.canvas.height } : undefined,
  );
}

export const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
export const midpoint = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });

/** Mid-hip, or the one hip that is present. */
export function hipCentre(points: PosePoints): Point | undefined {
  const [right, left] = [points[Joint.rightHip], points[Joint.leftHip]];
  if (right && left) return midpoint(right, left);
  return right ?? left;
}

/** The neck, or the midpoint of the shoulders when the neck is missing. */
export function neckOf(points: PosePoints): Point | undefined {
  const [right, left] = [points[Joint.rightShoulder], points[Joint.leftShoulder]];
  return points[Joint.neck] ?? (right && left ? midpoint(right, left) : undefined);
}

/** Shoulder width and head height as a share of the torso length, for poses whose hips are out of frame. */
const SHOULDER_WIDTH_PER_TORSO = 0.62;
const HEAD_HEIGHT_PER_TORSO = 0.37;

/**
 * The body's scale: the torso length (neck to mid-hip). When the hips are out
 * of frame it is estimated from the shoulders or the head, taking the larger
 * estimate because turning the body only ever shortens them.
 */
export function torsoLength(points: PosePoints): number | undefined {
  const neck = neckOf(points);
  const hips = hipCentre(points);
  if (neck && hips && distance(neck, hips) > 0) return distance(neck, hips);
  const estimates: number[] = [];
  const [right, left] = [points[Joint.rightShoulder], points[Joint.leftShoulder]];
  if (right && left) estimates.push(distance(right, left) / SHOULDER_WIDTH_PER_TORSO);
  const nose = points[Joint.nose];
  if (neck && nose) estimates.push(distance(neck, nose) / HEAD_HEIGHT_PER_TORSO);
  const estimate = Math.max(0, ...estimates);
  return estimate > 0 ? estimate : undefined;
}

/** Unit vector from mid-hip to neck ("up" along the body), or image-up when the hips are out of frame. */
export function bodyUp(points: PosePoints): Point {
  const neck = neckOf(points);
  const hips = hipCentre(points);
  if (!neck || !hips) return { x: 0, y: -1 };
  const length = distance(neck, hips);
  return length > 0 ? { x: (neck.x - hips.x) / length, y: (neck.y - hips.y) / length } : { x: 0, y: -1 };
}

/**
 * Typical limb segment lengths in torso lengths (adults, joint centres). A
 * projection much shorter than these means the segment points at the camera.
 */
export const NOMINAL_SEGMENTS: ReadonlyArray<readonly [from: number, to: number, length: number]> = [
  [Joint.rightShoulder, Joint.rightElbow, 0.5],
  [Joint.leftShoulder, Joint.leftElbow, 0.5],
  [Joint.rightElbow, Joint.rightWrist, 0.45],
  [Joint.leftElbow, Joint.leftWrist, 0.45],
  [Joint.rightHip, Joint.rightKnee, 0.75],
  [Joint.leftHip, Joint.leftKnee, 0.75],
  [Joint.rightKnee, Joint.rightAnkle, 0.7],
  [Joint.leftKnee, Joint.leftAnkle, 0.7],
];

/** The angle at `vertex` between the segments to a and to b, in degrees (0..180). */
export function interiorAngle(a: Point, vertex: Point, b: Point): number {
  const angle = Math.atan2(a.y - vertex.y, a.x - vertex.x) - Math.atan2(b.y - vertex.y, b.x - vertex.x);
  const degrees = Math.abs((angle * 180) / Math.PI) % 360;
  return degrees > 180 ? 360 - degrees : degrees;
}

/** Shortest distance from a point to the segment ab. */
export function distanceToSegment(point: Point, a: Point, b: Point): number {
  const lengthSquared = (b.x - a.x) ** 2 + (b.y - a.y) ** 2;
  if (lengthSquared === 0) return distance(point, a);
  const along = Math.max(
    0,
    Math.min(1, ((point.x - a.x) * (b.x - a.x) + (point.y - a.y) * (b.y - a.y)) / lengthSquared),
  );
  return distance(point, { x: a.x + along * (b.x - a.x), y: a.y + along * (b.y - a.y) });
}

/** Whether segments ab and cd cross (touching endpoints do not count). */
export function segmentsCross(a: Point, b: Point, c: Point, d: Point): boolean {
  const side = (p: Point, q: Point, r: Point) => Math.sign((q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x));
  return side(a, b, c) * side(a, b, d) < 0 && side(c, d, a) * side(c, d, b) < 0;
}
