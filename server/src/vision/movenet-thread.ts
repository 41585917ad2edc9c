import type { Worker } from 'node:worker_threads';
import { startWorker } from '../infra/workers/start-worker.js';
import type { InferenceReply, RgbFrame } from './movenet-protocol.js';

interface PendingInference {
  frame: RgbFrame;
  resolve: (keypoints: number[]) => void;
  reject: (error: Error) => void;
}

/**
 * Owns the MoveNet worker thread: started on the first inference, fed one frame at a time (the others wait in
 * order), restarted on the next inference if it dies, and terminated by close().
 */
export class MovenetThread {
  private worker: Worker | undefined;
  private readonly waiting: PendingInference[] = [];
  private running: (PendingInference & { id: number }) | undefined;
  private nextId = 1;

  /** 17 COCO keypoints as (x, y, score) triplets, x/y normalised 0..1 to the frame. */
  infer(frame: RgbFrame): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ frame, resolve, reject });
      this.startNext();
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the pose detector was shut down'));
    if (worker) await worker.terminate();
  }

  private startNext(): void {
    if (this.running) return;
    const next = this.waiting.shift();
    if (!next) return;
    this.running = { ...next, id: this.nextId++ };
    const { pixels, width, height } = next.frame;
    const worker = this.ensureWorker();
    // Referenced only while it works: an idle detector must not keep the process alive.
    worker.ref();
    worker.postMessage({ id: this.running.id, pixels, width, height }, [pixels.buffer]);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(new URL('./movenet-worker.js', import.meta.url));
    worker.on('message', (reply: InferenceReply) => this.finish(reply));
    worker.on('error', (error: Error) => this.lose(worker, error));
    worker.on('exit', (code) => this.lose(worker, new Error(`the pose detector thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private finish(reply: InferenceReply): void {
    const running = this.running;
    if (!running || running.id !== reply.id) return;
    this.running = undefined;
    if ('error' in reply) running.reject(new Error(`pose detection failed: ${reply.error}`));
    else running.resolve(reply.keypoints);
    this.startNext();
    if (!this.running) this.worker?.unref();
  }

  /** A dead thread fails only the inference it was running; the next one starts a new thread. */
  private lose(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const running = this.running;
    this.running = undefined;
    running?.reject(error);
    this.startNext();
  }

  private failAll(error: Error): void {
    const running = this.running;
    this.running = undefined;
    running?.reject(error);
    for (const pending of this.waiting.splice(0)) pending.reject(error);
  }
}
