import type { Redis } from 'ioredis';

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

/** Counts the hit and opens the window on the first one, in one round trip; answers hits and window left. */
const HIT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { hits, redis.call('PTTL', KEYS[1]) }
`;

/** Counters shared by every API process through Redis (REDIS_URL), so a limit holds across the cluster. */
export class RedisRateLimitStore extends RateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {
    super();
  }

  async hit(tracker: string, windowMs: number): Promise<RateLimitCount> {
    const [hits, resetMs] = (await this.redis.eval(
      HIT_SCRIPT,
      1,
      `${this.keyPrefix}:rate-limit:${tracker}`,
      windowMs,
    )) as [number, number];
    return { hits, resetMs: resetMs > 0 ? resetMs : windowMs };
  }
}
