import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { JobHandler, JobQueue, QueueDriver } from '../infra/queue/job-queue.js';
import { QUEUE_DRIVER } from '../infra/queue/queue.module.js';
import { WebhooksRepository } from './webhooks.repository.js';

/** One attempt of one delivery; the attempt after `finalAttempt` is never made. */
export interface DeliveryJob {
  deliveryId: string;
  attempt: number;
  finalAttempt: number;
}

export const WEBHOOK_QUEUE = 'webhook-deliveries';
/** Receivers answer within the timeout, so a worker mostly waits: many sends in flight cost little. */
const DELIVERY_CONCURRENCY = 16;
/** Retries of a job that threw (database down, not a receiver failure, which schedules the next attempt). */
const JOB_ATTEMPTS = 3;
const JOB_RETRY_BASE_MS = 1_000;

/**
 * The delivery queue: one delayed job per attempt (`deliveryId-attempt`), so
 * Bull's delayed jobs or the inline driver's timers hold the retry schedule and
 * a replayed attempt never collides with an earlier one.
 */
@Injectable()
export class WebhookJobs {
  private readonly logger = new Logger(WebhookJobs.name);
  private readonly queue: JobQueue<DeliveryJob>;

  constructor(
    @Inject(QUEUE_DRIVER) driver: QueueDriver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: WebhooksRepository,
  ) {
    this.queue = driver.queue<DeliveryJob>(WEBHOOK_QUEUE, {
      concurrency: DELIVERY_CONCURRENCY,
      attempts: JOB_ATTEMPTS,
      backoffMs: JOB_RETRY_BASE_MS,
    });
  }

  /** Attempts the schedule allows: a delivery past them is failed, unless it was replayed. */
  get scheduledAttempts(): number {
    return this.config.webhooks.retryScheduleMs.length;
  }

  enqueue(jobs: Array<DeliveryJob & { delayMs: number }>): Promise<void> {
    return this.queue.addBulk(
      jobs.map(({ delayMs, ...job }) => ({ id: `${job.deliveryId}-${job.attempt}`, data: job, delayMs })),
    );
  }

  /** First attempts of new deliveries, after the schedule's first delay. */
  enqueueFirstAttempts(deliveryIds: string[]): Promise<void> {
    const delayMs = this.config.webhooks.retryScheduleMs[0];
    return this.enqueue(
      deliveryIds.map((deliveryId) => ({ deliveryId, attempt: 1, finalAttempt: this.scheduledAttempts, delayMs })),
    );
  }

  /**
   * Re-enqueues every pending delivery that no live job holds, at its recorded
   * next attempt time: a restart, a crash between commit and enqueue, or a
   * flushed Redis loses no delivery.
   */
  async recover(): Promise<number> {
    const held = await this.queue.heldJobIds();
    const now = Date.now();
    const orphans = (await this.repository.pendingDeliveries()).filter(
      (delivery) => !held.has(`${delivery.id}-${delivery.attempts + 1}`),
    );
    await this.enqueue(
      orphans.map((delivery) => ({
        deliveryId: delivery.id,
        attempt: delivery.attempts + 1,
        finalAttempt: Math.max(this.scheduledAttempts, delivery.attempts + 1),
        delayMs: Math.max(0, (delivery.nextAttemptAt?.getTime() ?? now) - now),
      })),
    );
    if (orphans.length > 0) this.logger.log(`Recovery sweep re-enqueued ${orphans.length} webhook delivery(ies)`);
    return orphans.length;
  }

  work(handler: JobHandler<DeliveryJob>): void {
    this.queue.process(handler);
  }
}
