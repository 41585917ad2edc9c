import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';

/** A shared Redis connection when REDIS_URL is set; connects on first use. */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private connection: Redis | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get configured(): boolean {
    return this.config.redisUrl !== undefined;
  }

  get client(): Redis {
    if (!this.config.redisUrl) throw new Error('REDIS_URL is not set');
    this.connection ??= new Redis(this.config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
    return this.connection;
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection?.quit();
    this.connection = undefined;
  }
}
