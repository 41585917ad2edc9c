import { WorkerPool } from '../../src/infra/workers/worker-pool.js';
import type { PoolTestRequest } from './pool-test-worker.js';

type Reply = { doubled: number; threadId: number };
const WORKER = new URL('./pool-test-worker.js', import.meta.url);

describe('WorkerPool', () => {
  let pool: WorkerPool<PoolTestRequest, Reply>;

  beforeEach(() => {
    pool = new WorkerPool<PoolTestRequest, Reply>(WORKER, 2);
  });
  afterEach(() => pool.close());

  it('answers every task on at most `size` threads', async () => {
    const replies = await Promise.all(Array.from({ length: 6 }, (_, value) => pool.run({ value, delayMs: 20 })));
    expect(replies.map((reply) => reply.doubled)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(new Set(replies.map((reply) => reply.threadId)).size).toBe(2);
  });

  it('fails only the task whose handler throws', async () => {
    const [failed, next] = await Promise.allSettled([
      pool.run({ value: 1, delayMs: 0, behaviour: 'throw' }),
      pool.run({ value: 2, delayMs: 0 }),
    ]);
    expect(failed).toMatchObject({ status: 'rejected', reason: { message: 'task 1 failed' } });
    expect(next).toMatchObject({ status: 'fulfilled', value: { doubled: 4 } });
  });

  it('replaces a thread that dies, failing only the task it ran', async () => {
    const first = await pool.run({ value: 1, delayMs: 0 });
    await expect(pool.run({ value: 2, delayMs: 0, behaviour: 'exit' })).rejects.toThrow(/exited with code 3/);
    const replies = await Promise.all([pool.run({ value: 3, delayMs: 0 }), pool.run({ value: 4, delayMs: 0 })]);
    expect(replies.map((reply) => reply.doubled)).toEqual([6, 8]);
    expect(first.doubled).toBe(2);
  });

  it('fails waiting tasks on close and refuses new ones', async () => {
    const settled = Promise.allSettled(Array.from({ length: 4 }, (_, value) => pool.run({ value, delayMs: 200 })));
    await pool.close();
    const outcomes = await settled;
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    await expect(pool.run({ value: 9, delayMs: 0 })).rejects.toThrow(/closed/);
  });

  it('refuses a pool without threads', () => {
    expect(() => new WorkerPool(WORKER, 0)).toThrow(RangeError);
  });
});
