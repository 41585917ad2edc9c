import { LIMBS, POSE_COLORS, isPresent, type Canvas, type Pose } from '../skeleton/keypoints.js';

/** controlnet_aux `draw_bodypose`: limbs are ellipses 4 px thick each side, joints discs of radius 4. */
const STICK_HALF_WIDTH = 4;
const JOINT_RADIUS = 4;
/** Limbs are drawn at 60% of their palette colour, joints at full colour. */
const LIMB_DIMMING = 0.6;
/** Raw RGB, as the PNG encoder reads it. */
export const CHANNELS = 3;

export interface ControlImageSize {
  width: number;
  height: number;
}

/** Where the template canvas lands inside the image: one uniform scale, centred, never stretched. */
export interface CanvasPlacement {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export function placeCanvas(canvas: Canvas, size: ControlImageSize): CanvasPlacement {
  const scale = Math.min(size.width / canvas.width, size.height / canvas.height);
  return {
    scale,
    offsetX: (size.width - canvas.width * scale) / 2,
    offsetY: (size.height - canvas.height * scale) / 2,
  };
}

/** The pose's joints in pixels of an image of `size`, placed as the control image places them; missing joints are undefined. */
export function posePixels(pose: Pose, size: ControlImageSize): (Point | undefined)[] {
  const placement = placeCanvas(pose.canvas, size);
  return pose.keypoints.map((keypoint) =>
    isPresent(keypoint)
      ? {
          x: placement.offsetX + keypoint.x * pose.canvas.width * placement.scale,
          y: placement.offsetY + keypoint.y * pose.canvas.height * placement.scale,
        }
      : undefined,
  );
}

/** Draws the pose into a raw RGB buffer (black background), following OpenPose's drawing order. */
export function rasterisePose(pose: Pose, size: ControlImageSize): Buffer {
  const pixels = Buffer.alloc(size.width * size.height * CHANNELS);
  const points = posePixels(pose, size);
  const surface = { pixels, ...size };

  LIMBS.forEach(([from, to], limb) => {
    const start = points[from];
    const end = points[to];
    if (!start || !end) return;
    const color = POSE_COLORS[limb].map((channel) => Math.floor(channel * LIMB_DIMMING)) as [number, number, number];
    const length = Math.hypot(end.x - start.x, end.y - start.y);
    // draw_bodypose takes the angle of the vector from the limb's second joint to its first, and int() truncates
    // it toward zero: the other direction truncates to a different whole degree, tilting long limbs off by one.
    const angle = Math.trunc((Math.atan2(start.y - end.y, start.x - end.x) * 180) / Math.PI);
    const centre = { x: Math.trunc((start.x + end.x) / 2), y: Math.trunc((start.y + end.y) / 2) };
    fillConvexPolygon(surface, ellipsePolygon(centre, Math.trunc(length / 2), STICK_HALF_WIDTH, angle), color);
  });
  points.forEach((point, joint) => {
    if (point) fillDisc(surface, Math.trunc(point.x), Math.trunc(point.y), JOINT_RADIUS, POSE_COLORS[joint]);
  });
  return pixels;
}

interface Surface {
  pixels: Buffer;
  width: number;
  height: number;
}

type Point = { x: number; y: number };

/** cos and sin of every whole degree 0..360, as OpenCV keeps them in a table. */
const DEGREES = Array.from({ length: 361 }, (_, degree) => ({
  cos: Math.cos((degree * Math.PI) / 180),
  sin: Math.sin((degree * Math.PI) / 180),
}));

/** cvRound: to the nearest integer, halves to even. */
function roundHalfEven(value: number): number {
  const rounded = Math.round(value);
  return Math.abs(value % 1) === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

/** OpenCV's ellipse2Poly with a 1 degree step: the outline of a rotated ellipse in pixels, repeats dropped. */
function ellipsePolygon(centre: Point, semiMajor: number, semiMinor: number, angleDegrees: number): Point[] {
  const rotation = DEGREES[((angleDegrees % 360) + 360) % 360];
  const outline: Point[] = [];
  for (const { cos, sin } of DEGREES) {
    const along = semiMajor * cos;
    const across = semiMinor * sin;
    const point = {
      x: roundHalfEven(centre.x + along * rotation.cos - across * rotation.sin),
      y: roundHalfEven(centre.y + along * rotation.sin + across * rotation.cos),
    };
    const previous = outline[outline.length - 1];
    if (!previous || previous.x !== point.x || previous.y !== point.y) outline.push(point);
  }
  return outline;
}

/** OpenCV's fixed-point precision for polygon edges: 16 fractional bits. */
const XY_SHIFT = 16;
const XY_HALF = 1 << (XY_SHIFT - 1);

interface PolygonEdge {
  /** Vertex the edge runs to, the direction it walks the outline in, and the row it ends on. */
  vertex: number;
  direction: number;
  endRow: number;
  /** x on the current row and its change per row, in 1/65536 px. */
  x: number;
  step: number;
}

/**
 * OpenCV's fillConvexPoly (8-connected, whole-pixel vertices), step for step: the outline drawn as lines, then
 * each row filled between the two edges that walk down from the top vertex, x kept in 16.16 fixed point and
 * rounded half up. Matching its rounding is what makes limbs agree with draw_bodypose to the pixel.
 */
function fillConvexPolygon(surface: Surface, polygon: readonly Point[], color: readonly number[]): void {
  const count = polygon.length;
  let topVertex = 0;
  let [minX, maxX, minY, maxY] = [polygon[0].x, polygon[0].x, polygon[0].y, polygon[0].y];
  for (let index = 0; index < count; index++) {
    const point = polygon[index];
    if (point.y < minY) {
      minY = point.y;
      topVertex = index;
    }
    maxY = Math.max(maxY, point.y);
    maxX = Math.max(maxX, point.x);
    minX = Math.min(minX, point.x);
    drawLine(surface, polygon[(index + count - 1) % count], point, color);
  }
  if (count < 3 || maxX < 0 || maxY < 0 || minX >= surface.width || minY >= surface.height) return;
  const lastRow = Math.min(maxY, surface.height - 1);
  const edges: PolygonEdge[] = [1, count - 1].map((direction) => ({
    vertex: topVertex,
    direction,
    endRow: minY,
    x: -(1 << XY_SHIFT),
    step: 0,
  }));
  let verticesLeft = count;
  for (let y = minY; y <= lastRow; y++) {
    for (const edge of edges) {
      if (y < edge.endRow) continue;
      let from = edge.vertex;
      let to = (from + edge.direction) % count;
      // Walks on to the next vertex below this row, skipping vertices on it; every vertex is visited once.
      while (verticesLeft-- > 0) {
        const endRow = polygon[to].y;
        if (endRow > y) {
          const startX = polygon[from].x * (1 << XY_SHIFT);
          const rows = endRow - y;
          edge.endRow = endRow;
          edge.step = Math.trunc(((polygon[to].x * (1 << XY_SHIFT) - startX) * 2 + rows) / (2 * rows));
          edge.x = startX;
          edge.vertex = to;
          break;
        }
        from = to;
        to = (to + edge.direction) % count;
      }
    }
    if (verticesLeft < 0) return;
    if (y >= 0) {
      const [leftX, rightX] = edges[0].x > edges[1].x ? [edges[1].x, edges[0].x] : [edges[0].x, edges[1].x];
      fillRow(
        surface,
        y,
        Math.floor((leftX + XY_HALF) / (1 << XY_SHIFT)),
        Math.floor((rightX + XY_HALF) / (1 << XY_SHIFT)),
        color,
      );
    }
    edges[0].x += edges[0].step;
    edges[1].x += edges[1].step;
  }
}

/** OpenCV's 8-connected line (its LineIterator's Bresenham, always walked left to right), both ends included. */
function drawLine(surface: Surface, start: Point, end: Point, color: readonly number[]): void {
  const [from, to] = start.x > end.x ? [end, start] : [start, end];
  let major = to.x - from.x;
  let minor = to.y - from.y;
  const stepY = minor < 0 ? -1 : 1;
  minor = Math.abs(minor);
  const steep = minor > major;
  if (steep) [major, minor] = [minor, major];
  let error = major - 2 * minor;
  let { x, y } = from;
  for (let pixel = 0; pixel <= major; pixel++) {
    fillRow(surface, y, x, x, color);
    // The minor coordinate moves only when the error goes negative, as OpenCV's iterator does.
    const movesMinor = error < 0;
    error += -2 * minor + (movesMinor ? 2 * major : 0);
    if (steep) {
      y += stepY;
      if (movesMinor) x++;
    } else {
      x++;
      if (movesMinor) y += stepY;
    }
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
