import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { RedisService } from '../../infra/redis/redis.service.js';
import { MemoryRateLimitStore, RateLimitStore, RedisRateLimitStore } from './rate-limit-store.js';
import { RateLimitGuard } from './rate-limit.guard.js';

/** Per-key request rate limits (RATE_LIMIT_REQUESTS per RATE_LIMIT_WINDOW), in Redis when REDIS_URL is set. */
@Module({
  providers: [
    {
      provide: RateLimitStore,
      inject: [APP_CONFIG, RedisService],
      useFactory: (config: AppConfig, redis: RedisService): RateLimitStore =>
        redis.configured ? new RedisRateLimitStore(redis.client, config.redisKeyPrefix) : new MemoryRateLimitStore(),
    },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class LimitsModule {}
