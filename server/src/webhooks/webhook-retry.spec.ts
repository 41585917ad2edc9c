import { retryDelayMs } from './webhook-retry.js';

const DEFAULT_SCHEDULE = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

describe('webhook retry delays', () => {
  it('follows the schedule with up to 20% jitter, spanning more than a day', () => {
    for (let attempt = 2; attempt <= DEFAULT_SCHEDULE.length; attempt++) {
      const base = DEFAULT_SCHEDULE[attempt - 1];
      expect(retryDelayMs(DEFAULT_SCHEDULE, attempt, undefined, () => 0)).toBe(base);
      expect(retryDelayMs(DEFAULT_SCHEDULE, attempt, undefined, () => 0.999)).toBeLessThanOrEqual(base * 1.2);
      expect(retryDelayMs(DEFAULT_SCHEDULE, attempt, undefined, () => 0.999)).toBeGreaterThan(base * 1.19);
    }
    const total = DEFAULT_SCHEDULE.reduce((sum, delay) => sum + delay, 0);
    expect(total).toBeGreaterThan(24 * 3_600_000);
  });

  it('waits for Retry-After when it is longer than the schedule, up to a day', () => {
    expect(retryDelayMs(DEFAULT_SCHEDULE, 2, 120, () => 0)).toBe(120_000);
    expect(retryDelayMs(DEFAULT_SCHEDULE, 4, 120, () => 0)).toBe(1_800_000);
    expect(retryDelayMs(DEFAULT_SCHEDULE, 2, 10 * 86_400, () => 0)).toBe(86_400_000);
  });
});
