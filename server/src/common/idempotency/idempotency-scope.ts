import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<string>();

/**
 * The id a create under an Idempotency-Key gives the row it makes. It is the key record's id, so it stays
 * the same when a retry takes over a key whose first request died: the retry finds the row the first one
 * committed (a primary-key conflict) instead of making a second.
 */
export const IdempotencyScope = {
  run<T>(resourceId: string, work: () => T): T {
    return scope.run(resourceId, work);
  },
  /** Undefined outside a request that carries an Idempotency-Key. */
  resourceId(): string | undefined {
    return scope.getStore();
  },
};
