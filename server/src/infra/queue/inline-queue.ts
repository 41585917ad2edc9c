import { Logger } from '@nestjs/common';
import { settlesWithin } from '../process/close-on-signals.js';
import {
  retryDelayMs,
  type JobHandler,
  type JobQueue,
  type NewJob,
  type QueueDriver,
  type QueueJob,
  type QueueOptions,
} from './job-queue.js';

/**
 * The embedded driver: jobs run in this process with the same concurrency,
 * retries, backoff and rate limit as on Bull. Nothing survives a restart here,
 * which is why the database is the source of truth and workers sweep it at start.
 */
class InlineQueue<Data> implements JobQueue<Data> {
  private readonly logger: Logger;
  private readonly waiting: Array<QueueJob<Data>> = [];
  private readonly delayed = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly recentStarts: number[] = [];
  private handler: JobHandler<Data> | undefined;
  private limiterTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly options: QueueOptions,
  ) {
    this.logger = new Logger(`InlineQueue:${name}`);
  }

  addBulk(jobs: Array<NewJob<Data>>): Promise<void> {
    for (const job of jobs) {
      if (this.isHeld(job.id)) continue;
      this.schedule({ id: job.id, data: job.data, attempt: 1 }, job.delayMs ?? 0);
    }
    this.pump();
    return Promise.resolve();
  }

  process(handler: JobHandler<Data>): void {
    this.handler = handler;
    this.pump();
  }

  heldJobIds(): Promise<Set<string>> {
    return Promise.resolve(
      new Set([...this.waiting.map((job) => job.id), ...this.delayed.keys(), ...this.running.keys()]),
    );
  }

  async close(graceMs: number): Promise<void> {
    this.closed = true;
    for (const timer of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    clearTimeout(this.limiterTimer);
    this.waiting.length = 0;
    if (!(await settlesWithin(Promise.allSettled(this.running.values()), graceMs))) {
      this.logger.warn(`${this.running.size} job(s) still running after ${graceMs} ms; the next start resumes them`);
    }
  }

  private isHeld(id: string): boolean {
    return this.delayed.has(id) || this.running.has(id) || this.waiting.some((job) => job.id === id);
  }

  private schedule(job: QueueJob<Data>, delayMs: number): void {
    if (this.closed) return;
    if (delayMs <= 0) {
      this.waiting.push(job);
      return;
    }
    const timer = setTimeout(() => {
      this.delayed.delete(job.id);
      this.waiting.push(job);
      this.pump();
    }, delayMs);
    timer.unref();
    this.delayed.set(job.id, timer);
  }

  /** Milliseconds until the limiter allows another start; 0 when it does now. */
  private limiterWaitMs(now: number): number {
    const limiter = this.options.limiter;
    if (!limiter) return 0;
    while (this.recentStarts.length > 0 && now - this.recentStarts[0] >= limiter.durationMs) this.recentStarts.shift();
    if (this.recentStarts.length < limiter.max) return 0;
    return limiter.durationMs - (now - this.recentStarts[0]);
  }

  private pump(): void {
    const handler = this.handler;
    if (!handler || this.closed) return;
    while (this.running.size < this.options.concurrency && this.waiting.length > 0) {
      const now = Date.now();
      const waitMs = this.limiterWaitMs(now);
      if (waitMs > 0) {
        if (!this.limiterTimer) {
          this.limiterTimer = setTimeout(() => {
            this.limiterTimer = undefined;
            this.pump();
          }, waitMs);
          this.limiterTimer.unref();
        }
        return;
      }
      const job = this.waiting.shift()!;
      this.recentStarts.push(now);
      this.running.set(job.id, this.run(handler, job));
    }
  }

  private async run(handler: JobHandler<Data>, job: QueueJob<Data>): Promise<void> {
    try {
      await handler(job);
    } catch (error) {
      if (job.attempt < this.options.attempts) {
        this.schedule({ ...job, attempt: job.attempt + 1 }, retryDelayMs(this.options, job.attempt));
      } else {
        this.logger.error(`job ${job.id} failed after ${job.attempt} attempts: ${String(error)}`);
      }
    } finally {
      this.running.delete(job.id);
      this.pump();
    }
  }
}

export class InlineQueueDriver implements QueueDriver {
  readonly kind = 'inline' as const;
  private readonly queues = new Map<string, InlineQueue<unknown>>();

  queue<Data>(name: string, options: QueueOptions): JobQueue<Data> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new InlineQueue<unknown>(name, options);
      this.queues.set(name, queue);
    }
    return queue as unknown as JobQueue<Data>;
  }

  async close(graceMs: number): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close(graceMs)));
  }
}
