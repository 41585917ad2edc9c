import type { ProjectedJoint } from './body-model.js';
import { Joint, MISSING, type Canvas, type Keypoint, type Pose } from '../skeleton/keypoints.js';

/** How much of the figure a template shows, as a photographer frames it. */
export type Framing = 'full-body' | 'three-quarter' | 'waist-up' | 'chest-up' | 'close-up';

interface FramingRule {
  canvas: Canvas;
  /** The lowest body level (torso units, image y) in frame; joints below it are out of the picture. */
  bottom: (joints: readonly ProjectedJoint[]) => number;
}

const lowest = (joints: readonly ProjectedJoint[], indices: readonly number[]) =>
  Math.max(...indices.map((index) => joints[index].y));

const FRAMINGS: Record<Framing, FramingRule> = {
  'full-body': {
    canvas: { width: 512, height: 768 },
    bottom: (joints) => Math.max(...joints.map((joint) => joint.y)) + 0.12,
  },
  'three-quarter': {
    canvas: { width: 512, height: 768 },
    bottom: (joints) => lowest(joints, [Joint.rightKnee, Joint.leftKnee]) + 0.25,
  },
  'waist-up': {
    canvas: { width: 576, height: 768 },
    bottom: (joints) => lowest(joints, [Joint.rightHip, Joint.leftHip]) + 0.3,
  },
  'chest-up': { canvas: { width: 640, height: 768 }, bottom: (joints) => joints[Joint.neck].y + 0.85 },
  'close-up': { canvas: { width: 640, height: 800 }, bottom: (joints) => joints[Joint.neck].y + 0.5 },
};

/** Room above the highest joint for the top of the head, and beside the widest one. */
const HEADROOM = 0.3;
const SIDE_MARGIN = 0.15;
/** Joints this close above a crop's bottom edge would be drawn cut in half, so they count as out of frame. */
const CROP_EDGE = 0.04;

/**
 * Frames projected joints the way the framing asks and normalises them to its
 * canvas. Joints below the frame's bottom edge, or hidden behind the head, are
 * missing, as a detector would report them on such a photo.
 */
export function frameSkeleton(joints: readonly ProjectedJoint[], framing: Framing): Pose {
  const { canvas, bottom: bottomOf } = FRAMINGS[framing];
  const aspect = canvas.width / canvas.height;
  let bottom = bottomOf(joints);
  const inFrame = (limit: number) => joints.filter((joint) => joint.visible && joint.y <= limit - CROP_EDGE);
  const top = Math.min(...inFrame(bottom).map((joint) => joint.y)) - HEADROOM;
  const xs = inFrame(bottom).map((joint) => joint.x);
  const neededWidth = Math.max(...xs) - Math.min(...xs) + 2 * SIDE_MARGIN;
  let height = bottom - top;
  let verticalShift = 0;
  if (neededWidth > height * aspect) {
    const grown = neededWidth / aspect;
    // A full figure stays centred in the taller frame; a crop keeps its top edge and shows more body below.
    if (framing === 'full-body') verticalShift = (grown - height) / 2;
    else bottom = top + grown;
    height = grown;
  }
  const width = height * aspect;
  const shown = inFrame(bottom);
  const left =
    (Math.max(...shown.map((joint) => joint.x)) + Math.min(...shown.map((joint) => joint.x))) / 2 - width / 2;
  const frameTop = top - verticalShift;

  const keypoints = joints.map((joint): Keypoint => {
    const x = (joint.x - left) / width;
    const y = (joint.y - frameTop) / height;
    if (!joint.visible || joint.y > bottom - CROP_EDGE || x < 0 || x > 1 || y < 0 || y > 1) return { ...MISSING };
    return { x, y, c: 1 };
  });
  return { keypoints, canvas };
}
