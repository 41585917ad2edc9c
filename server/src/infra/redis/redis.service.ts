import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';

const logger = new Logger('Redis');

/**
 * ioredis reconnects by itself; its 'error' events only need hearing. Without a listener each one is an
 * "Unhandled error event" while Redis is away. Logged once per outage, not once per reconnect attempt.
 */
export function listenForErrors(client: Redis, role: string): void {
  let reported = false;
  client.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    logger.warn(`${role}: ${error.message}; reconnecting`);
  });
  client.on('ready', () => {
    if (reported) logger.log(`${role}: connected again`);
    reported = false;
  });
}

/** True when `error` is ioredis giving up on a command because Redis is unreachable, not a command error. */
export function isRedisUnavailable(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'MaxRetriesPerRequestError' || /^Connection is closed|ECONNREFUSED/.test(error.message))
  );
}

/** QUIT when connected; while Redis is away QUIT would wait for a reconnect, so just drop the socket. */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit();
  else client.disconnect();
}

/** ioredis's client class, loaded only when REDIS_URL is set (redis.module.ts). */
export type RedisClientClass = typeof Redis;

/** A shared Redis connection when REDIS_URL is set; connects on first use. */
export class RedisService implements OnApplicationShutdown {
  private connection: Redis | undefined;

  constructor(
    private readonly redisUrl: string | undefined,
    private readonly RedisClient: RedisClientClass | undefined,
  ) {}

  get configured(): boolean {
    return this.redisUrl !== undefined;
  }

  get client(): Redis {
    if (!this.redisUrl || !this.RedisClient) throw new Error('REDIS_URL is not set');
    if (!this.connection) {
      this.connection = new this.RedisClient(this.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
      listenForErrors(this.connection, 'shared client');
    }
    return this.connection;
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connection) await closeClient(this.connection);
    this.connection = undefined;
  }
}
