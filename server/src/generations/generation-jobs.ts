import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { JobHandler, JobQueue } from '../infra/queue/job-queue.js';
import { QUEUE_DRIVER } from '../infra/queue/queue.module.js';
import type { QueueDriver } from '../infra/queue/job-queue.js';
import { GenerationsRepository } from './generations.repository.js';

export interface SlotJob {
  slotId: string;
}

export const SLOT_QUEUE = 'generation-slots';

/** The slot queue: one job per slot, the job id being the slot id. */
@Injectable()
export class GenerationJobs {
  private readonly logger = new Logger(GenerationJobs.name);
  readonly queue: JobQueue<SlotJob>;

  constructor(
    @Inject(QUEUE_DRIVER) driver: QueueDriver,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repository: GenerationsRepository,
  ) {
    const { jobConcurrency, jobAttempts, retryBaseMs, rateLimitPerMinute } = config.generation;
    this.queue = driver.queue<SlotJob>(SLOT_QUEUE, {
      concurrency: jobConcurrency,
      attempts: jobAttempts,
      backoffMs: retryBaseMs,
      limiter: rateLimitPerMinute ? { max: rateLimitPerMinute, durationMs: 60_000 } : undefined,
    });
  }

  enqueue(slotIds: string[]): Promise<void> {
    return this.queue.addBulk(slotIds.map((slotId) => ({ id: slotId, data: { slotId } })));
  }

  /**
   * Re-enqueues every unfinished slot that no live job holds: after a crash, a flushed or restarted
   * Redis, an enqueue cut off after its commit or an expired lock, the queue matches the database again.
   * `runningHere` are the slots this process is running (a flushed Redis forgot their jobs too); slots
   * claimed since `claimedBefore` are left to the worker that claimed them.
   */
  async recover(runningHere: ReadonlySet<string>, claimedBefore: Date): Promise<number> {
    const held = await this.queue.heldJobIds();
    const orphans = (await this.repository.unfinishedSlotIds(claimedBefore)).filter(
      (slotId) => !held.has(slotId) && !runningHere.has(slotId),
    );
    if (orphans.length > 0) {
      await this.enqueue(orphans);
      const shown = orphans.slice(0, 5).join(', ') + (orphans.length > 5 ? ', ...' : '');
      this.logger.warn(`Reconciliation re-enqueued ${orphans.length} slot(s) no job held: ${shown}`);
    }
    return orphans.length;
  }

  work(handler: JobHandler<SlotJob>): void {
    this.queue.process(handler);
  }
}
