import { Logger } from '@nestjs/common';
import Bull from 'bull';
import { settlesWithin } from '../process/close-on-signals.js';
import {
  retryDelayMs,
  type JobHandler,
  type JobQueue,
  type NewJob,
  type QueueDriver,
  type QueueOptions,
} from './job-queue.js';

const JITTERED_BACKOFF = 'exponential-jitter';
/** Finished jobs kept for inspection; bounded so Redis does not grow with every batch. */
const KEEP_COMPLETED = 1_000;
const KEEP_FAILED = 5_000;
const logger = new Logger('BullQueue');

class BullJobQueue<Data> implements JobQueue<Data> {
  constructor(
    readonly name: string,
    private readonly queue: Bull.Queue<Data>,
    private readonly options: QueueOptions,
  ) {}

  async addBulk(jobs: Array<NewJob<Data>>): Promise<void> {
    // Bull ignores an id it still holds in any state; a finished job must go first so a
    // re-queued slot (retry of a failed generation) runs again.
    await Promise.all(
      jobs.map(async (job) => {
        const existing = await this.queue.getJob(job.id);
        if (existing && ((await existing.isCompleted()) || (await existing.isFailed()))) await existing.remove();
      }),
    );
    await this.queue.addBulk(
      jobs.map((job) => ({
        data: job.data,
        opts: {
          jobId: job.id,
          delay: job.delayMs,
          attempts: this.options.attempts,
          backoff: { type: JITTERED_BACKOFF },
          removeOnComplete: KEEP_COMPLETED,
          removeOnFail: KEEP_FAILED,
        },
      })),
    );
  }

  process(handler: JobHandler<Data>): void {
    void this.queue.process(this.options.concurrency, (job) =>
      handler({ id: String(job.id), data: job.data, attempt: job.attemptsMade + 1 }),
    );
  }

  /** The Bull queue itself, for the operators' dashboard (operations/queue-dashboard.ts). */
  get bull(): Bull.Queue<Data> {
    return this.queue;
  }

  async heldJobIds(): Promise<Set<string>> {
    const jobs = await this.queue.getJobs(['waiting', 'active', 'delayed', 'paused']);
    return new Set(jobs.filter((job) => job !== null).map((job) => String(job.id)));
  }

  async close(graceMs: number): Promise<void> {
    // Local pause: this process takes no new job while the running ones finish.
    await this.queue.pause(true, true);
    const finished = await settlesWithin(this.queue.whenCurrentJobsFinished(), graceMs);
    if (!finished) logger.warn(`queue ${this.name}: jobs still running after ${graceMs} ms are left to their lock`);
    await this.queue.close(!finished);
  }
}

/** Bull on Redis: any number of processes (main.ts, worker.ts) share the queues. */
export class BullQueueDriver implements QueueDriver {
  readonly kind = 'bull' as const;
  private readonly queues = new Map<string, BullJobQueue<unknown>>();

  constructor(
    private readonly redisUrl: string,
    private readonly keyPrefix: string,
    private readonly lockDurationMs: number,
  ) {}

  queue<Data>(name: string, options: QueueOptions): JobQueue<Data> {
    let queue = this.queues.get(name);
    if (!queue) {
      const bull = new Bull<unknown>(name, this.redisUrl, {
        prefix: this.keyPrefix,
        limiter: options.limiter ? { max: options.limiter.max, duration: options.limiter.durationMs } : undefined,
        settings: {
          // A dead worker's jobs go back to waiting once their lock lapses and the stalled check runs.
          lockDuration: this.lockDurationMs,
          stalledInterval: this.lockDurationMs,
          backoffStrategies: { [JITTERED_BACKOFF]: (attemptsMade: number) => retryDelayMs(options, attemptsMade) },
        },
      });
      // Bull re-emits its Redis clients' errors; unheard, they would crash the process while Redis is away.
      bull.on('error', (error: Error) => logger.warn(`queue ${name}: ${error.message}`));
      queue = new BullJobQueue<unknown>(name, bull, options);
      this.queues.set(name, queue);
    }
    return queue as unknown as JobQueue<Data>;
  }

  /** Every queue this process has opened. */
  bullQueues(): Array<Bull.Queue<unknown>> {
    return [...this.queues.values()].map((queue) => queue.bull);
  }

  async close(graceMs: number): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close(graceMs)));
  }
}
