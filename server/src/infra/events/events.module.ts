import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { InProcessEventBus, type EventBus } from './event-bus.js';

export const EVENT_BUS = Symbol('EVENT_BUS');

@Global()
@Module({
  providers: [
    {
      provide: EVENT_BUS,
      inject: [APP_CONFIG],
      // Redis pub/sub (and ioredis) is loaded only when REDIS_URL is set.
      useFactory: async (config: AppConfig): Promise<EventBus> =>
        config.redisUrl
          ? new (await import('./redis-event-bus.js')).RedisEventBus(config.redisUrl, config.redisKeyPrefix)
          : new InProcessEventBus(),
    },
  ],
  exports: [EVENT_BUS],
})
export class EventsModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {}

  onApplicationShutdown(): Promise<void> {
    return this.bus.close();
  }
}
