/** A thread of the control-image pool (see control-image.ts): draws one pose per task and encodes its PNG, JS only. */
import { serveWorkerTasks } from '../../infra/workers/worker-pool.js';
import type { Pose } from '../skeleton/keypoints.js';
import { encodeRgbPng } from './png.js';
import { rasterisePose, type ControlImageSize } from './pose-raster.js';

serveWorkerTasks<{ pose: Pose; size: ControlImageSize }, Uint8Array>(({ pose, size }) => ({
  // A few KB, copied back: small Buffers may share Node's allocation pool, so they are never transferred.
  reply: encodeRgbPng(rasterisePose(pose, size), size.width, size.height),
}));
