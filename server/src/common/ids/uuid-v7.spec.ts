import { uuidV7Sequence } from './uuid-v7.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV7Sequence', () => {
  it('gives distinct version-7 ids in ascending order, carrying the time', () => {
    const now = Date.UTC(2026, 11, 2, 12, 0, 0);
    const ids = uuidV7Sequence(5000, now);
    expect(new Set(ids).size).toBe(5000);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect([...ids].sort()).toEqual(ids);
    expect(parseInt(ids[0].replace('-', '').slice(0, 12), 16)).toBe(now);
    // 5000 ids overflow the 12-bit counter: the timestamp moves on by a millisecond or two.
    expect(parseInt(ids.at(-1)!.replace('-', '').slice(0, 12), 16) - now).toBeGreaterThanOrEqual(1);
  });
});
