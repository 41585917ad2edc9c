import sharp from 'sharp';
import { LIMBS, POSE_COLORS, isPresent, type Canvas, type Pose } from '../skeleton/keypoints.js';

/** controlnet_aux `draw_bodypose`: limbs are ellipses 4 px thick each side, joints discs of radius 4. */
const STICK_HALF_WIDTH = 4;
const JOINT_RADIUS = 4;
/** Limbs are drawn at 60% of their palette colour, joints at full colour. */
const LIMB_DIMMING = 0.6;
const CHANNELS = 3;

export interface ControlImageSize {
  width: number;
  height: number;
}

export interface ControlImageRequest extends ControlImageSize {
  /** Round each side to the nearest multiple of 64, as controlnet_aux's resize_image does for diffusion models. */
  roundToMultipleOf64?: boolean;
}

/** Where the template canvas lands inside the image: one uniform scale, centred, never stretched. */
export interface CanvasPlacement {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export function controlImageSize(request: ControlImageRequest): ControlImageSize {
  if (!request.roundToMultipleOf64) return { width: request.width, height: request.height };
  const round = (side: number) => Math.max(64, Math.round(side / 64) * 64);
  return { width: round(request.width), height: round(request.height) };
}

export function placeCanvas(canvas: Canvas, size: ControlImageSize): CanvasPlacement {
  const scale = Math.min(size.width / canvas.width, size.height / canvas.height);
  return {
    scale,
    offsetX: (size.width - canvas.width * scale) / 2,
    offsetY: (size.height - canvas.height * scale) / 2,
  };
}

/** Draws the pose into a raw RGB buffer (black background), following OpenPose's drawing order. */
export function rasterisePose(pose: Pose, size: ControlImageSize): Buffer {
  const pixels = Buffer.alloc(size.width * size.height * CHANNELS);
  const placement = placeCanvas(pose.canvas, size);
  const points = pose.keypoints.map((keypoint) =>
    isPresent(keypoint)
      ? {
          x: placement.offsetX + keypoint.x * pose.canvas.width * placement.scale,
          y: placement.offsetY + keypoint.y * pose.canvas.height * placement.scale,
        }
      : undefined,
  );
  const surface = { pixels, ...size };

  LIMBS.forEach(([from, to], limb) => {
    const start = points[from];
    const end = points[to];
    if (!start || !end) return;
    const color = POSE_COLORS[limb].map((channel) => Math.floor(channel * LIMB_DIMMING)) as [number, number, number];
    const length = Math.hypot(end.x - start.x, end.y - start.y);
    const angle = Math.trunc((Math.atan2(end.y - start.y, end.x - start.x) * 180) / Math.PI);
    const centre = { x: Math.trunc((start.x + end.x) / 2), y: Math.trunc((start.y + end.y) / 2) };
    fillConvexPolygon(surface, ellipsePolygon(centre, Math.trunc(length / 2), STICK_HALF_WIDTH, angle), color);
  });
  points.forEach((point, joint) => {
    if (point) fillDisc(surface, Math.trunc(point.x), Math.trunc(point.y), JOINT_RADIUS, POSE_COLORS[joint]);
  });
  return pixels;
}

/** The PNG control image for a pose at the requested size. */
export async function renderControlImage(
  pose: Pose,
  request: ControlImageRequest,
): Promise<{ png: Buffer } & ControlImageSize> {
  const size = controlImageSize(request);
  const png = await sharp(rasterisePose(pose, size), { raw: { ...size, channels: CHANNELS } })
    .png()
    .toBuffer();
  return { png, ...size };
}

interface Surface {
  pixels: Buffer;
  width: number;
  height: number;
}

type Point = { x: number; y: number };

/** OpenCV's ellipse2Poly with a 1 degree step: the outline of a rotated ellipse, rounded to pixels. */
function ellipsePolygon(centre: Point, semiMajor: number, semiMinor: number, angleDegrees: number): Point[] {
  const cosAngle = Math.cos((angleDegrees * Math.PI) / 180);
  const sinAngle = Math.sin((angleDegrees * Math.PI) / 180);
  const outline: Point[] = [];
  for (let degree = 0; degree <= 360; degree++) {
    const along = semiMajor * Math.cos((degree * Math.PI) / 180);
    const across = semiMinor * Math.sin((degree * Math.PI) / 180);
    outline.push({
      x: Math.round(centre.x + along * cosAngle - across * sinAngle),
      y: Math.round(centre.y + along * sinAngle + across * cosAngle),
    });
  }
  return outline;
}

/**
 * Scanline fill of a convex polygon, edges included, clipped to the surface. Each edge is walked once to
 * widen the extent of the rows it crosses, so the cost follows the outline, not rows x edges.
 */
function fillConvexPolygon(surface: Surface, polygon: readonly Point[], color: readonly number[]): void {
  let top = Infinity;
  let bottom = -Infinity;
  for (const point of polygon) {
    top = Math.min(top, point.y);
    bottom = Math.max(bottom, point.y);
  }
  const rows = bottom - top + 1;
  const left = new Float64Array(rows).fill(Infinity);
  const right = new Float64Array(rows).fill(-Infinity);
  const widen = (y: number, x: number) => {
    left[y - top] = Math.min(left[y - top], x);
    right[y - top] = Math.max(right[y - top], x);
  };
  for (let index = 0; index < polygon.length; index++) {
    const a = polygon[index];
    const b = polygon[(index + 1) % polygon.length];
    if (a.y === b.y) {
      widen(a.y, a.x);
      widen(b.y, b.x);
      continue;
    }
    for (let y = Math.min(a.y, b.y); y <= Math.max(a.y, b.y); y++)
      widen(y, a.x + ((y - a.y) * (b.x - a.x)) / (b.y - a.y));
  }
  for (let y = Math.max(0, top); y <= Math.min(surface.height - 1, bottom); y++) {
    fillRow(surface, y, Math.round(left[y - top]), Math.round(right[y - top]), color);
  }
}

function fillDisc(surface: Surface, centreX: number, centreY: number, radius: number, color: readonly number[]): void {
  for (let dy = -radius; dy <= radius; dy++) {
    const halfWidth = Math.floor(Math.sqrt(radius * radius - dy * dy));
    fillRow(surface, centreY + dy, centreX - halfWidth, centreX + halfWidth, color);
  }
}

function fillRow(surface: Surface, y: number, fromX: number, toX: number, color: readonly number[]): void {
  if (y < 0 || y >= surface.height) return;
  const start = Math.max(0, fromX);
  const end = Math.min(surface.width - 1, toX);
  for (let x = start; x <= end; x++) {
    const offset = (y * surface.width + x) * CHANNELS;
    surface.pixels[offset] = color[0]!;
    surface.pixels[offset + 1] = color[1]!;
    surface.pixels[offset + 2] = color[2]!;
  }
}
