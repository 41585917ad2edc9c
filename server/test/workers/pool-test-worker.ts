/** A WorkerPool thread for worker-pool.e2e-spec.ts: answers after `delayMs`, fails or dies when asked to. */
import { threadId } from 'node:worker_threads';
import { serveWorkerTasks } from '../../src/infra/workers/worker-pool.js';

export interface PoolTestRequest {
  value: number;
  delayMs: number;
  behaviour?: 'throw' | 'exit';
}

serveWorkerTasks<PoolTestRequest, { doubled: number; threadId: number }>(async ({ value, delayMs, behaviour }) => {
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  if (behaviour === 'throw') throw new Error(`task ${value} failed`);
  if (behaviour === 'exit') process.exit(3);
  return { reply: { doubled: value * 2, threadId } };
});
