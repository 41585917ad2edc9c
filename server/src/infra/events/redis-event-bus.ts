import { Redis } from 'ioredis';
import { closeClient, listenForErrors } from '../redis/redis.service.js';
import { InProcessEventBus, type EventBus, type EventListener } from './event-bus.js';

/** Redis pub/sub: one publishing and one subscribing connection per process. */
export class RedisEventBus implements EventBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly local = new InProcessEventBus();
  private readonly channelPrefix: string;

  constructor(redisUrl: string, keyPrefix: string) {
    this.channelPrefix = `${keyPrefix}:events:`;
    this.publisher = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
    this.subscriber = new Redis(redisUrl);
    listenForErrors(this.publisher, 'event publisher');
    listenForErrors(this.subscriber, 'event subscriber');
    this.subscriber.on('message', (channel: string, message: string) => {
      void this.local.publish(channel.slice(this.channelPrefix.length), JSON.parse(message));
    });
  }

  async publish(channel: string, event: unknown): Promise<void> {
    await this.publisher.publish(this.channelPrefix + channel, JSON.stringify(event));
  }

  async subscribe(channel: string, listener: EventListener): Promise<() => Promise<void>> {
    await this.subscriber.subscribe(this.channelPrefix + channel);
    const unsubscribeLocal = await this.local.subscribe(channel, listener);
    return async () => {
      await unsubscribeLocal();
      await this.subscriber.unsubscribe(this.channelPrefix + channel);
    };
  }

  async close(): Promise<void> {
    await this.local.close();
    await Promise.all([closeClient(this.publisher), closeClient(this.subscriber)]);
  }
}
