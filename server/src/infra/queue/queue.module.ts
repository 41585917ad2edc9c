import { Global, Inject, Module, type BeforeApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { InlineQueueDriver } from './inline-queue.js';
import type { QueueDriver } from './job-queue.js';

export const QUEUE_DRIVER = Symbol('QUEUE_DRIVER');

/** Bull when REDIS_URL is set, otherwise the in-process driver; the handlers are the same. */
@Global()
@Module({
  providers: [
    {
      provide: QUEUE_DRIVER,
      inject: [APP_CONFIG],
      // Bull (and ioredis) is loaded only when REDIS_URL is set.
      useFactory: async (config: AppConfig): Promise<QueueDriver> =>
        config.redisUrl
          ? new (await import('./bull-queue.js')).BullQueueDriver(
              config.redisUrl,
              config.redisKeyPrefix,
              config.queueLockDurationMs,
            )
          : new InlineQueueDriver(),
    },
  ],
  exports: [QUEUE_DRIVER],
})
export class QueueModule implements BeforeApplicationShutdown {
  constructor(
    @Inject(QUEUE_DRIVER) private readonly driver: QueueDriver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Before the database closes: running jobs finish and record their result first. They get half the
   * shutdown budget, so the rest of the close (Redis, the database) still ends within SHUTDOWN_TIMEOUT_MS.
   */
  beforeApplicationShutdown(): Promise<void> {
    return this.driver.close(Math.floor(this.config.shutdownTimeoutMs / 2));
  }
}
