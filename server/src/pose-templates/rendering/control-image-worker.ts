/** A thread of the control-image pool (see control-image.ts): rasterises one pose per task, JS only. */
import { serveWorkerTasks } from '../../infra/workers/worker-pool.js';
import type { Pose } from '../skeleton/keypoints.js';
import { rasterisePose, type ControlImageSize } from './pose-raster.js';

serveWorkerTasks<{ pose: Pose; size: ControlImageSize }, Uint8Array>(({ pose, size }) => {
  const pixels = rasterisePose(pose, size);
  // Buffer.alloc of a control image's size owns its ArrayBuffer (never the shared pool), so it can move.
  return { reply: pixels, transfer: [pixels.buffer as ArrayBuffer] };
});
