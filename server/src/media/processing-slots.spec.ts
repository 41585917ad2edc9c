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

  it("lets a job on an image made by an earlier job keep that job's place in line", async () => {
    const slots = new ProcessingSlots(1);
    const started: string[] = [];
    const step = (name: string, subject: object) =>
      slots.run(async () => {
        started.push(name);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { name };
      }, subject);
    // Three uploads arrive together; each re-encodes, then removes the background of what it made.
    const upload = async (id: string) => {
      const source = { id };
      const reencoded = await step(`${id}:re-encode`, source);
      slots.follows(reencoded, source);
      await step(`${id}:cutout`, reencoded);
    };
    await Promise.all(['a', 'b', 'c'].map(upload));
    // The slot is handed on only after a's own continuation asked for its cutout: an upload in progress
    // finishes before the next starts, so one upload at a time holds intermediate images.
    expect(started).toEqual(['a:re-encode', 'a:cutout', 'b:re-encode', 'b:cutout', 'c:re-encode', 'c:cutout']);
  });

  it('refuses fewer than one slot', () => {
    expect(() => new ProcessingSlots(0)).toThrow(RangeError);
  });
});
