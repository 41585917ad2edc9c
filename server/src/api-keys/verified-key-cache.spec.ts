import { VerifiedKeyCache, type VerifiedKey } from './verified-key-cache.js';

const key = (id: string): VerifiedKey => ({ id, userId: `user-${id}`, corsOrigins: [], lastUsedAt: null });

describe('VerifiedKeyCache', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('trusts a verified key for the TTL only', () => {
    const cache = new VerifiedKeyCache(10_000, clock);
    cache.set('hash:a', key('a'), now);
    now += 9_999;
    expect(cache.get('hash:a')?.id).toBe('a');
    now += 1;
    expect(cache.get('hash:a')).toBeUndefined();
  });

  it('forgets every lookup of a revoked key at once and leaves other keys', () => {
    const cache = new VerifiedKeyCache(10_000, clock);
    cache.set('hash:a', key('a'), now);
    cache.set('id:a', key('a'), now);
    cache.set('hash:b', key('b'), now);
    cache.forget('a');
    expect(cache.get('hash:a')).toBeUndefined();
    expect(cache.get('id:a')).toBeUndefined();
    expect(cache.get('hash:b')?.id).toBe('b');
  });

  it('does not keep a key whose database read began before its revocation', () => {
    const cache = new VerifiedKeyCache(10_000, clock);
    const readStartedAt = now;
    now += 5;
    cache.forget('a');
    cache.set('hash:a', key('a'), readStartedAt);
    expect(cache.get('hash:a')).toBeUndefined();
    // A read that began after the revocation reflects it; one that found the key active again may be kept.
    now += 5;
    cache.set('hash:a', key('a'), now);
    expect(cache.get('hash:a')?.id).toBe('a');
  });

  it('caches nothing with a TTL of 0', () => {
    const cache = new VerifiedKeyCache(0, clock);
    cache.set('hash:a', key('a'), now);
    expect(cache.get('hash:a')).toBeUndefined();
  });
});
