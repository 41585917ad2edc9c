import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { isRedisUnavailable } from '../../infra/redis/redis.service.js';

/** Where one tracker stands in its current window. */
export interface RateLimitCount {
  hits: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetMs: number;
}

/** Fixed-window request counters: one window per tracker, opened by its first request. */
export abstract class RateLimitStore {
  abstract hit(tracker: string, windowMs: number): Promise<RateLimitCount>;
}

/** Counters of this process alone (no REDIS_URL: there is only one API process). */
export class MemoryRateLimitStore extends RateLimitStore {
  private readonly windows = new Map<string, { hits: number; endsAt: number }>();

  hit(tracker: string, windowMs: number): Promise<RateLimitCount> {
    const now = Date.now();
    let window = this.windows.get(tracker);
    if (!window || window.endsAt <= now) {
      if (this.windows.size > 10_000) this.dropEnded(now);
      window = { hits: 0, endsAt: now + windowMs };
      this.windows.set(tracker, window);
    }
    window.hits++;
    return Promise.resolve({ hits: window.hits, resetMs: window.endsAt - now });
  }

  private dropEnded(now: number): void {
    for (const [tracker, window] of this.windows) if (window.endsAt <= now) this.windows.delete(tracker);
  }
}

const HIT_COMMAND = 'lumikuRateLimitHit';
/** Counts the hit and opens the window on the first one, in one round trip; answers hits and window left. */
const HIT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { hits, redis.call('PTTL', KEYS[1]) }
`;

/**
 * Counters shared by every API process through Redis (REDIS_URL), so a limit holds across the cluster.
 * While Redis is unreachable each process counts on its own: the limit loosens by the number of processes
 * instead of every request failing with the store.
 */
export class RedisRateLimitStore extends RateLimitStore {
  private readonly logger = new Logger(RedisRateLimitStore.name);
  private readonly whileRedisIsAway = new MemoryRateLimitStore();
  private warnedAt = 0;

  private readonly hitScript: (key: string, windowMs: number) => Promise<[number, number]>;

  constructor(
    redis: Redis,
    private readonly keyPrefix: string,
  ) {
    super();
    // A defined command runs by EVALSHA, loading the script only when Redis lacks it, instead of sending its
    // text with every request (a measurable share of a cached list answer).
    redis.defineCommand(HIT_COMMAND, { numberOfKeys: 1, lua: HIT_SCRIPT });
    const command = (redis as unknown as Record<string, (key: string, windowMs: number) => Promise<[number, number]>>)[
      HIT_COMMAND
    ];
    this.hitScript = command.bind(redis);
  }

  async hit(tracker: string, windowMs: number): Promise<RateLimitCount> {
    try {
      const [hits, resetMs] = await this.hitScript(`${this.keyPrefix}:rate-limit:${tracker}`, windowMs);
      return { hits, resetMs: resetMs > 0 ? resetMs : windowMs };
    } catch (error) {
      if (!isRedisUnavailable(error)) throw error;
      if (Date.now() - this.warnedAt > 60_000) {
        this.warnedAt = Date.now();
        this.logger.warn(`Redis is unreachable; rate limits are counted per process until it is back`);
      }
      return this.whileRedisIsAway.hit(tracker, windowMs);
    }
  }
}
