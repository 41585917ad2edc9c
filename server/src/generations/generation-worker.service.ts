import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { GenerationJobs } from './generation-jobs.js';
import { SlotRunner } from './slot-runner.service.js';

/**
 * Consumes slot jobs in this process when RUN_WORKERS is true (the API process
 * by default, and worker.ts always), after a recovery sweep of the database.
 */
@Injectable()
export class GenerationWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(GenerationWorker.name);

  constructor(
    private readonly jobs: GenerationJobs,
    private readonly runner: SlotRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runWorkers) return;
    this.jobs.work((job) => this.runner.run(job.data.slotId));
    await this.jobs.recover();
    this.logger.log(`Generation worker running ${this.config.generation.concurrency} slots at a time`);
  }
}
