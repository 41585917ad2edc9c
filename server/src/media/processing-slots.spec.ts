import { ProcessingSlots } from './processing-slots.js';

describe('ProcessingSlots', () => {
  it('runs at most `limit` jobs at once, in arrival order, and passes results and errors through', async () => {
    const slots = new ProcessingSlots(2);
    let running = 0;
    let mostAtOnce = 0;
    const started: number[] = [];
    const job = (id: number) =>
      slots.run(async () => {
        started.push(id);
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running--;
        if (id === 3) throw new Error('job 3 failed');
        return id;
      });

    const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map(job));

    expect(mostAtOnce).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5, 6]);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : result.reason.message))).toEqual([
      1,
      2,
      'job 3 failed',
      4,
      5,
      6,
    ]);
    expect(await slots.run(() => Promise.resolve('free again'))).toBe('free again');
  });
});
