import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import { closeClient, listenForErrors } from '../redis/redis.service.js';

export type EventListener = (event: unknown) => void;

/**
 * Fan-out of short-lived notifications (generation progress) from workers to
 * the API processes that hold the SSE streams. Not a source of truth: a missed
 * event is caught up from the database by the next read.
 */
export interface EventBus {
  publish(channel: string, event: unknown): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(channel: string, listener: EventListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export class InProcessEventBus implements EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(channel: string, event: unknown): Promise<void> {
    this.emitter.emit(channel, event);
    return Promise.resolve();
  }

  subscribe(channel: string, listener: EventListener): Promise<() => Promise<void>> {
    this.emitter.on(channel, listener);
    return Promise.resolve(() => {
      this.emitter.off(channel, listener);
      return Promise.resolve();
    });
  }

  close(): Promise<void> {
    this.emitter.removeAllListeners();
    return Promise.resolve();
  }
}

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
