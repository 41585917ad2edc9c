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
import { WebhookDeliverer } from './webhook-deliverer.service.js';
import { WebhookJobs } from './webhook-jobs.js';

/**
 * Consumes delivery jobs where RUN_WORKERS is true. It sweeps the database for pending deliveries with no
 * live job at start and then every RECONCILE_INTERVAL_MS, so a delivery whose job was lost still goes out.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookWorker.name);
  private sweep: PeriodicSweep | undefined;

  constructor(
    private readonly jobs: WebhookJobs,
    private readonly deliverer: WebhookDeliverer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runWorkers) return;
    this.jobs.work((job) => this.deliverer.deliver(job.data));
    await this.jobs.recover();
    this.sweep = new PeriodicSweep(
      () => this.jobs.recover(),
      this.config.reconcileIntervalMs,
      (error: unknown) => this.logger.warn(`webhook reconciliation failed, retried next interval: ${String(error)}`),
    );
    this.logger.log('Webhook worker running');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweep?.stop();
  }
}
