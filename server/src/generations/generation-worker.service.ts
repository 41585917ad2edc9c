import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PeriodicSweep } from '../infra/queue/periodic-sweep.js';
import { GenerationJobs } from './generation-jobs.js';
import { GenerationProgress } from './generation-progress.service.js';
import { SlotRunner } from './slot-runner.service.js';

/**
 * Consumes slot jobs in this process when RUN_WORKERS is true (the API process by default, and worker.ts
 * always). It reconciles the queue with the database at start and then every RECONCILE_INTERVAL_MS, so a
 * slot whose job was lost (Redis restarted empty, an enqueue cut off) runs without any process restarting,
 * and finished slots that a dead process never counted reach their generation's counters.
 */
@Injectable()
export class GenerationWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(GenerationWorker.name);
  private readonly running = new Set<string>();
  private sweep: PeriodicSweep | undefined;

  constructor(
    private readonly jobs: GenerationJobs,
    private readonly runner: SlotRunner,
    private readonly progress: GenerationProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runWorkers) return;
    this.jobs.work(async (job) => {
      this.running.add(job.data.slotId);
      try {
        await this.runner.run(job.data.slotId);
      } finally {
        this.running.delete(job.data.slotId);
      }
    });
    // At start nothing else can be running this process's old claims: take every unfinished slot.
    await this.jobs.recover(this.running, new Date());
    await this.progress.countStale();
    this.sweep = new PeriodicSweep(
      () => this.reconcile(),
      this.config.reconcileIntervalMs,
      (error: unknown) => this.logger.warn(`reconciliation failed, retried next interval: ${String(error)}`),
    );
    const { jobConcurrency, concurrency } = this.config.generation;
    this.logger.log(
      `Generation worker holding ${jobConcurrency} slots at a time, ${concurrency} per provider rendering`,
    );
  }

  /** Stops reconciling before the queue closes (QueueModule), so nothing is enqueued into a closing queue. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.sweep?.stop();
  }

  private async reconcile(): Promise<void> {
    // A claim older than a job lock with no job behind it belongs to a worker that is gone.
    const claimedBefore = new Date(Date.now() - this.config.queueLockDurationMs);
    await this.jobs.recover(this.running, claimedBefore);
    await this.progress.countStale();
  }
}
