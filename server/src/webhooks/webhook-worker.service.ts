import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { WebhookDeliverer } from './webhook-deliverer.service.js';
import { WebhookJobs } from './webhook-jobs.js';

/** Consumes delivery jobs where RUN_WORKERS is true, after sweeping the database for pending deliveries. */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookWorker.name);

  constructor(
    private readonly jobs: WebhookJobs,
    private readonly deliverer: WebhookDeliverer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runWorkers) return;
    this.jobs.work((job) => this.deliverer.deliver(job.data));
    await this.jobs.recover();
    this.logger.log('Webhook worker running');
  }
}
