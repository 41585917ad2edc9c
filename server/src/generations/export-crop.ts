import sharp, { type Sharp } from 'sharp';
import { Joint, isPresent, type Keypoint } from '../pose-templates/skeleton/keypoints.js';

/** A rectangle in pixels of the image being exported. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

interface Size {
  width: number;
  height: number;
}

/** Face points: nose, eyes, ears. */
const FACE_JOINTS = [Joint.nose, Joint.rightEye, Joint.leftEye, Joint.rightEar, Joint.leftEar];
/** The head is about this many eye-to-eye distances wide, and its top sits well above the eyes. */
const HEAD_WIDTH_PER_EYES = 3;
const HEAD_WIDTH_PER_SHOULDERS = 0.45;
/** Extra room around what must stay in frame, as a share of its size, so nothing touches the edge. */
const KEEP_MARGIN = 0.12;
/** What shows around an image shrunk to keep everything in frame: the image itself, blurred and dimmed. */
const FILL_BLUR = 24;
const FILL_SHRINK = 8;
const FILL_BRIGHTNESS = 0.7;

/** The square a product occupies whatever its rotation: its longer side (scale x width) centred on it. */
export function productBox(placement: { x: number; y: number; scale: number }, image: Size): Box {
  const side = placement.scale * image.width;
  return {
    left: placement.x * image.width - side / 2,
    top: placement.y * image.height - side / 2,
    width: side,
    height: side,
  };
}

/** The head around the detected face points, normalised keypoints of an image of `image`'s size; undefined without a face. */
export function faceBox(keypoints: readonly Keypoint[], image: Size): Box | undefined {
  const pixel = (joint: number) => {
    const keypoint = keypoints[joint];
    return isPresent(keypoint) ? { x: keypoint.x * image.width, y: keypoint.y * image.height } : undefined;
  };
  const face = FACE_JOINTS.map(pixel).filter((point) => point !== undefined);
  if (face.length === 0) return undefined;
  const xs = face.map((point) => point.x);
  const ys = face.map((point) => point.y);
  const [rightEye, leftEye] = [pixel(Joint.rightEye), pixel(Joint.leftEye)];
  const [rightShoulder, leftShoulder] = [pixel(Joint.rightShoulder), pixel(Joint.leftShoulder)];
  const width = Math.max(
    Math.max(...xs) - Math.min(...xs),
    rightEye && leftEye ? HEAD_WIDTH_PER_EYES * Math.hypot(rightEye.x - leftEye.x, rightEye.y - leftEye.y) : 0,
    rightShoulder && leftShoulder
      ? HEAD_WIDTH_PER_SHOULDERS * Math.hypot(rightShoulder.x - leftShoulder.x, rightShoulder.y - leftShoulder.y)
      : 0,
    // Nothing to measure the head by: a tenth of the image's shorter side.
    face.length === 1 ? Math.min(image.width, image.height) / 10 : 0,
  );
  const centreX = (Math.max(...xs) + Math.min(...xs)) / 2;
  const centreY = (Math.max(...ys) + Math.min(...ys)) / 2;
  // From the crown (0.7 head widths above the eyes) to the chin (0.6 below).
  return { left: centreX - width / 2, top: centreY - 0.7 * width, width, height: 1.3 * width };
}

/**
 * The window of the image an export of `target`'s aspect shows, in pixels of the image: the largest window
 * of that aspect inside the image, placed so that every `keep` box (the product, the face, a preview badge)
 * is in it, as centred on them as the image allows. When they cannot all fit, the window grows past the
 * image's edges just enough to hold them; the export fills that part (exportImage). No box: undefined.
 */
export function exportWindow(image: Size, target: Size, keep: readonly Box[]): Box | undefined {
  const boxes = keep.map((box) => withMargin(box, image)).filter((box) => box.width > 0 && box.height > 0);
  if (boxes.length === 0) return undefined;
  const union = {
    left: Math.min(...boxes.map((box) => box.left)),
    top: Math.min(...boxes.map((box) => box.top)),
    right: Math.max(...boxes.map((box) => box.left + box.width)),
    bottom: Math.max(...boxes.map((box) => box.top + box.height)),
  };
  const aspect = target.width / target.height;
  let width = Math.min(image.width, image.height * aspect);
  let height = width / aspect;
  const [needWidth, needHeight] = [union.right - union.left, union.bottom - union.top];
  if (needWidth > width || needHeight > height) {
    const grow = Math.max(needWidth / width, needHeight / height);
    [width, height] = [width * grow, height * grow];
  }
  const place = (size: number, imageSize: number, from: number, to: number) => {
    // Wider than the image on this axis: centred on it, so the filled bands match.
    if (size >= imageSize) return (imageSize - size) / 2;
    const centred = (from + to) / 2 - size / 2;
    return Math.min(Math.max(centred, Math.max(0, to - size)), Math.min(imageSize - size, from));
  };
  return {
    left: place(width, image.width, union.left, union.right),
    top: place(height, image.height, union.top, union.bottom),
    width,
    height,
  };
}

/** The box grown by the margin and clipped to the image: only what is in the picture can be kept in frame. */
function withMargin(box: Box, image: Size): Box {
  const [marginX, marginY] = [box.width * KEEP_MARGIN, box.height * KEEP_MARGIN];
  const left = Math.max(0, box.left - marginX);
  const top = Math.max(0, box.top - marginY);
  const right = Math.min(image.width, box.left + box.width + marginX);
  const bottom = Math.min(image.height, box.top + box.height + marginY);
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * The image cropped to `window` and scaled to `target`; a window past the image's edges shows the image
 * blurred and dimmed there. Without a window, sharp's attention strategy picks the crop.
 */
export async function exportImage(image: Buffer, target: Size, window: Box | undefined): Promise<Sharp> {
  if (!window)
    return sharp(image).resize(target.width, target.height, { fit: 'cover', position: sharp.strategy.attention });
  const { width, height } = await sharp(image).metadata();
  const visible = {
    left: Math.max(0, Math.round(window.left)),
    top: Math.max(0, Math.round(window.top)),
    right: Math.min(width, Math.round(window.left + window.width)),
    bottom: Math.min(height, Math.round(window.top + window.height)),
  };
  const inside =
    visible.left === Math.round(window.left) &&
    visible.top === Math.round(window.top) &&
    visible.right === Math.round(window.left + window.width) &&
    visible.bottom === Math.round(window.top + window.height);
  const crop = {
    left: visible.left,
    top: visible.top,
    width: visible.right - visible.left,
    height: visible.bottom - visible.top,
  };
  if (inside) return sharp(image).extract(crop).resize(target.width, target.height, { fit: 'fill' });
  const factor = target.width / window.width;
  const foreground = await sharp(image)
    .extract(crop)
    .resize(
      Math.min(target.width, Math.max(1, Math.round(crop.width * factor))),
      Math.min(target.height, Math.max(1, Math.round(crop.height * factor))),
      { fit: 'fill' },
    )
    .toBuffer();
  // Blurred small and scaled up: the same soft fill at a fraction of a full-size blur's cost.
  const small = { width: Math.ceil(target.width / FILL_SHRINK), height: Math.ceil(target.height / FILL_SHRINK) };
  const blurred = await sharp(image)
    .resize(small.width, small.height, { fit: 'cover' })
    .blur(FILL_BLUR / FILL_SHRINK)
    .modulate({ brightness: FILL_BRIGHTNESS })
    .toBuffer();
  const fill = await sharp(blurred).resize(target.width, target.height, { fit: 'fill' }).toBuffer();
  return sharp(fill).composite([
    {
      input: foreground,
      left: Math.max(0, Math.round((visible.left - window.left) * factor)),
      top: Math.max(0, Math.round((visible.top - window.top) * factor)),
    },
  ]);
}
