import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { InferenceReply, RgbFrame } from './movenet-protocol.js';

interface PendingInference {
  frame: RgbFrame;
  resolve: (keypoints: number[]) => void;
  reject: (error: Error) => void;
}

/**
 * The built worker sits next to this file as movenet-worker.js (server/dist). Under Jest or tsx the sources are
 * .ts, which a worker thread cannot load, and on Node 20 a worker ignores `--import` loaders: it then starts as a
 * small script that registers tsx's ESM hooks inside the thread and imports the .ts worker.
 */
function startWorker(): Worker {
  const built = new URL('./movenet-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built);
  // tsx's exports map serves `tsx/esm/api` to import() as index.mjs beside the index.cjs that require() finds.
  const tsxApi = pathToFileURL(
    path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs'),
  );
  const source = new URL('./movenet-worker.ts', import.meta.url);
  const bootstrap = `import(${JSON.stringify(tsxApi.href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); })`;
  return new Worker(bootstrap, { eval: true });
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
    const worker = startWorker();
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
