/** Retry-After is honoured, but a receiver cannot park a delivery for longer than this. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
/** Up to 20% added at random, so deliveries failing together do not retry in lockstep. */
const JITTER = 0.2;

/**
 * Delay before attempt `nextAttempt` (1-based): the schedule's entry plus jitter,
 * or the receiver's Retry-After when that is longer.
 */
export function retryDelayMs(
  scheduleMs: number[],
  nextAttempt: number,
  retryAfterSeconds: number | undefined,
  random: () => number = Math.random,
): number {
  const scheduled = Math.round(scheduleMs[nextAttempt - 1] * (1 + random() * JITTER));
  const requested = retryAfterSeconds === undefined ? 0 : Math.min(retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS);
  return Math.max(scheduled, requested);
}
