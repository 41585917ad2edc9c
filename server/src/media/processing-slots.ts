import { availableParallelism } from 'node:os';

/** One image job per core: each can hold hundreds of MB of decoded pixels, and sharp uses every core anyway. */
export const DEFAULT_IMAGE_JOBS = Math.max(1, availableParallelism());

/**
 * Caps how many jobs run at once; the others wait in arrival order. Bounds the memory that concurrent
 * uploads of large photos can take, at the price of queueing them.
 */
export class ProcessingSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await job();
    } finally {
      // The slot passes straight to the next waiter, so `running` only drops when nobody waits.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
