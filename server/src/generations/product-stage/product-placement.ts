import { Joint, type Keypoint } from '../../pose-templates/skeleton/keypoints.js';
import {
  distance,
  hipCentre,
  midpoint,
  neckOf,
  toPoints,
  torsoLength,
  type Point,
  type PosePoints,
} from '../../pose-templates/skeleton/pose-geometry.js';
import { productSizeInShoulderWidths } from './product-sizes.js';

/** Where the product stage put the product, as each GeneratedPose records it (`productPlacement`). */
export interface ProductPlacement {
  /** Centre of the product, normalised 0..1 to the output image. */
  x: number;
  y: number;
  /** The product's longer side as a share of the output image's width. */
  scale: number;
  /** Degrees, clockwise positive (image y points down), 0 = upright. */
  rotation: number;
  /** Whose keypoints placed it: the detector's on this render, or the asked skeleton mapped onto the output. */
  source: 'detected' | 'requested';
}

/** The hand's centre lies about a third of a forearm beyond the wrist, where the fingers close on a product. */
const HAND_REACH = 0.3;
/** A near-face product sits beside the cheek: half a shoulder width to the side of the nose, a little lower. */
const FACE_SIDE_OFFSET = 0.5;
const FACE_DROP = 0.15;
/** A worn product is centred on the chest: this share of the way from the neck down to mid-hip. */
const CHEST_DEPTH = 0.4;
/** Torso length in shoulder widths (pose-geometry's SHOULDER_WIDTH_PER_TORSO, inverted): the body's scale when the shoulders overlap. */
const SHOULDERS_PER_TORSO = 0.62;
/** Held products tilt with the hand but stay upright as people hold them: the forearm's tilt, capped. */
const MAX_HAND_TILT = 45;
const MAX_BODY_TILT = 30;

interface PixelPose {
  points: PosePoints;
  width: number;
  height: number;
}

interface PixelPlacement {
  centre: Point;
  /** Pixels of the product's longer side. */
  size: number;
  rotation: number;
}

/**
 * Where and how big the product goes on an image of `width` x `height`: from the detected keypoints when
 * they hold the joints the placement needs, else from the requested skeleton (which always places it,
 * falling back to the image's centre for joints it lacks).
 */
export function placeProduct(input: {
  width: number;
  height: number;
  placement: string;
  productType: string | null | undefined;
  detected?: readonly Keypoint[];
  requested: readonly Keypoint[];
}): { pixels: PixelPlacement; placement: ProductPlacement } {
  const { width, height, placement } = input;
  const sizeFactor = productSizeInShoulderWidths(input.productType, placement);
  const pixelPose = (keypoints: readonly Keypoint[]): PixelPose => ({
    points: toPoints({ keypoints: [...keypoints], canvas: { width, height } }),
    width,
    height,
  });
  const fromDetected = input.detected ? strictPlacement(pixelPose(input.detected), placement, sizeFactor) : undefined;
  const source = fromDetected ? 'detected' : 'requested';
  const pixels = fromDetected ?? lenientPlacement(pixelPose(input.requested), placement, sizeFactor);
  return {
    pixels,
    placement: {
      x: round(pixels.centre.x / width),
      y: round(pixels.centre.y / height),
      scale: round(pixels.size / width),
      rotation: Math.round(pixels.rotation * 10) / 10,
      source,
    },
  };
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

/** Shoulder width, or its estimate from the torso when the person is turned and the shoulders overlap. */
function bodyScale(pose: PixelPose): number | undefined {
  const [right, left] = [pose.points[Joint.rightShoulder], pose.points[Joint.leftShoulder]];
  const shoulders = right && left ? distance(right, left) : 0;
  const torso = torsoLength(pose.points);
  const fromTorso = torso ? torso * SHOULDERS_PER_TORSO : 0;
  const scale = Math.max(shoulders, fromTorso);
  return scale > 0 ? scale : undefined;
}

/** A placement from these keypoints only when every joint it needs is there (detections are checked this way). */
function strictPlacement(pose: PixelPose, placement: string, sizeFactor: number): PixelPlacement | undefined {
  const scale = bodyScale(pose);
  const anchor = anchorOf(pose, placement, scale);
  if (!scale || !anchor) return undefined;
  return { centre: anchor.centre, size: scale * sizeFactor, rotation: anchor.rotation };
}

/** The asked skeleton is the last word: missing joints fall back to a quarter of the image width and its centre. */
function lenientPlacement(pose: PixelPose, placement: string, sizeFactor: number): PixelPlacement {
  const scale = bodyScale(pose) ?? pose.width / 4;
  const anchor = anchorOf(pose, placement, scale) ?? {
    centre: { x: pose.width / 2, y: pose.height / 2 },
    rotation: 0,
  };
  return { centre: anchor.centre, size: scale * sizeFactor, rotation: anchor.rotation };
}

function anchorOf(
  pose: PixelPose,
  placement: string,
  scale: number | undefined,
): { centre: Point; rotation: number } | undefined {
  const { points } = pose;
  switch (placement) {
    case 'hand-left':
      return handAnchor(points[Joint.leftWrist], points[Joint.leftElbow]);
    case 'hand-right':
      return handAnchor(points[Joint.rightWrist], points[Joint.rightElbow]);
    case 'both-hands': {
      const [right, left] = [
        handAnchor(points[Joint.rightWrist], points[Joint.rightElbow]),
        handAnchor(points[Joint.leftWrist], points[Joint.leftElbow]),
      ];
      return right && left ? { centre: midpoint(right.centre, left.centre), rotation: 0 } : undefined;
    }
    case 'near-face':
      return faceAnchor(points, scale);
    case 'worn':
      return chestAnchor(points, scale);
    default:
      // A placement the stage does not know is held in the right hand, the most common pose.
      return handAnchor(points[Joint.rightWrist], points[Joint.rightElbow]);
  }
}

function handAnchor(
  wrist: Point | undefined,
  elbow: Point | undefined,
): { centre: Point; rotation: number } | undefined {
  if (!wrist) return undefined;
  if (!elbow) return { centre: wrist, rotation: 0 };
  const forearm = { x: wrist.x - elbow.x, y: wrist.y - elbow.y };
  return {
    centre: { x: wrist.x + forearm.x * HAND_REACH, y: wrist.y + forearm.y * HAND_REACH },
    rotation: tiltOf(forearm, MAX_HAND_TILT),
  };
}

/**
 * The clockwise angle that turns an upright product's long axis onto `axis` (either direction of it, whichever
 * is nearer upright), capped at `max` degrees.
 */
function tiltOf(axis: Point, max: number): number {
  let angle = (-Math.atan2(axis.x, axis.y) * 180) / Math.PI;
  if (angle > 90) angle -= 180;
  if (angle < -90) angle += 180;
  return Math.max(-max, Math.min(max, angle));
}

/** Beside the cheek on the side of the higher wrist (the hand that holds it up), else the person's right. */
function faceAnchor(points: PosePoints, scale: number | undefined): { centre: Point; rotation: number } | undefined {
  const nose = points[Joint.nose];
  if (!nose || !scale) return undefined;
  const [rightWrist, leftWrist] = [points[Joint.rightWrist], points[Joint.leftWrist]];
  const [rightShoulder, leftShoulder] = [points[Joint.rightShoulder], points[Joint.leftShoulder]];
  const useLeft = !!leftWrist && (!rightWrist || leftWrist.y < rightWrist.y);
  // The person's right is the image's left when they face the camera; the shoulders say which way they face.
  const rightIsImageLeft = !rightShoulder || !leftShoulder || rightShoulder.x <= leftShoulder.x;
  const towardsImageLeft = useLeft ? !rightIsImageLeft : rightIsImageLeft;
  const side = towardsImageLeft ? -1 : 1;
  return {
    centre: { x: nose.x + side * FACE_SIDE_OFFSET * scale, y: nose.y + FACE_DROP * scale },
    rotation: 0,
  };
}

function chestAnchor(points: PosePoints, scale: number | undefined): { centre: Point; rotation: number } | undefined {
  const neck = neckOf(points);
  if (!neck || !scale) return undefined;
  const hips = hipCentre(points);
  if (!hips) return { centre: { x: neck.x, y: neck.y + (CHEST_DEPTH * scale) / SHOULDERS_PER_TORSO }, rotation: 0 };
  const down = { x: hips.x - neck.x, y: hips.y - neck.y };
  return {
    centre: { x: neck.x + down.x * CHEST_DEPTH, y: neck.y + down.y * CHEST_DEPTH },
    rotation: tiltOf(down, MAX_BODY_TILT),
  };
}
