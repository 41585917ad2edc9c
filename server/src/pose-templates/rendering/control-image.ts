import { availableParallelism } from 'node:os';
import { WorkerPool } from '../../infra/workers/worker-pool.js';
import { MISSING, type Keypoint, type Pose } from '../skeleton/keypoints.js';
import { encodeRgbPng } from './png.js';
import { posePixels, rasterisePose, type ControlImageSize } from './pose-raster.js';

export { placeCanvas, posePixels, rasterisePose, type CanvasPlacement, type ControlImageSize } from './pose-raster.js';

export interface ControlImageRequest extends ControlImageSize {
  /** Round each side to the nearest multiple of 64, as controlnet_aux's resize_image does for diffusion models. */
  roundToMultipleOf64?: boolean;
}

export function controlImageSize(request: ControlImageRequest): ControlImageSize {
  if (!request.roundToMultipleOf64) return { width: request.width, height: request.height };
  const round = (side: number) => Math.max(64, Math.round(side / 64) * 64);
  return { width: round(request.width), height: round(request.height) };
}

/** The pose as it appears in an image of `size` drawn from its control image: keypoints normalised 0..1 to that image. */
export function poseOnOutput(pose: Pose, size: ControlImageSize): Keypoint[] {
  return posePixels(pose, size).map((point, joint) =>
    point ? { x: point.x / size.width, y: point.y / size.height, c: pose.keypoints[joint].c } : { ...MISSING },
  );
}

/** RENDER_THREADS' default: drawing and encoding in JS would otherwise hold the event loop. */
export const DEFAULT_RENDER_THREADS = Math.min(2, availableParallelism());

let threads = DEFAULT_RENDER_THREADS;
let pool: WorkerPool<{ pose: Pose; size: ControlImageSize }, Uint8Array> | undefined;

/**
 * Sets how many worker threads rasterise control images (RENDER_THREADS; 0 draws on the calling thread).
 * Called once at boot; a pool already running is closed so the next image starts the new size.
 */
export async function configureControlImageRendering(renderThreads: number): Promise<void> {
  threads = renderThreads;
  await closeControlImageRendering();
}

/** Stops the rasterising threads; the next image starts them again. */
export async function closeControlImageRendering(): Promise<void> {
  const running = pool;
  pool = undefined;
  await running?.close();
}

/**
 * The PNG control image for a pose at the requested size, drawn and encoded on a worker thread, so the
 * event loop only hands a pose over and gets a few KB back.
 */
export async function renderControlImage(
  pose: Pose,
  request: ControlImageRequest,
): Promise<{ png: Buffer } & ControlImageSize> {
  const size = controlImageSize(request);
  if (threads === 0) return { png: encodeRgbPng(rasterisePose(pose, size), size.width, size.height), ...size };
  pool ??= new WorkerPool(new URL('./control-image-worker.js', import.meta.url), threads);
  const png = await pool.run({ pose, size });
  return { png: Buffer.from(png.buffer, png.byteOffset, png.byteLength), ...size };
}
