import type { ProviderName } from '../../config/config.schema.js';

/**
 * At most `limit` calls in flight per provider in this process, separate from how many slot jobs the
 * process holds: slots that are claiming, scoring or recording do not keep a provider seat, so the
 * provider stays busy while they wait on the database. Waiters are served in arrival order.
 */
export class ProviderGate {
  private readonly active = new Map<ProviderName, number>();
  private readonly waiting = new Map<ProviderName, Array<() => void>>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`A provider gate needs a limit of at least 1, got ${limit}`);
  }

  /** Runs `call` once a seat for `provider` is free; an abort while waiting rejects without taking one. */
  async run<T>(provider: ProviderName, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(provider, signal);
    try {
      return await call();
    } finally {
      this.release(provider);
    }
  }

  /** Calls in flight for `provider` now. */
  inFlight(provider: ProviderName): number {
    return this.active.get(provider) ?? 0;
  }

  private acquire(provider: ProviderName, signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    if (this.inFlight(provider) < this.limit) {
      this.take(provider);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const queue = this.waiting.get(provider) ?? [];
      this.waiting.set(provider, queue);
      const onAbort = () => {
        queue.splice(queue.indexOf(grant), 1);
        reject(signal!.reason as Error);
      };
      // The seat passes straight from the releasing call to this waiter, so no newcomer can jump the line.
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(grant);
    });
  }

  private take(provider: ProviderName): void {
    this.active.set(provider, this.inFlight(provider) + 1);
  }

  private release(provider: ProviderName): void {
    const next = this.waiting.get(provider)?.shift();
    if (next) {
      next();
      return;
    }
    this.active.set(provider, this.inFlight(provider) - 1);
  }
}
