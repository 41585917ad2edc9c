import { Global, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { RedisService } from './redis.service.js';

/** ioredis is imported only when REDIS_URL is set: the embedded default never loads it. */
@Global()
@Module({
  providers: [
    {
      provide: RedisService,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) =>
        new RedisService(config.redisUrl, config.redisUrl ? (await import('ioredis')).Redis : undefined),
    },
  ],
  exports: [RedisService],
})
export class RedisModule {}
