import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  const bytes = (value: Buffer) => value.length;

  it('evicts the least recently used entries beyond its budget', () => {
    const cache = new LruCache<Buffer>(25, bytes);
    cache.set('a', Buffer.alloc(10));
    cache.set('b', Buffer.alloc(10));
    expect(cache.get('a')).toBeDefined();
    cache.set('c', Buffer.alloc(10));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('counts a replaced entry once', () => {
    const cache = new LruCache<Buffer>(25, bytes);
    cache.set('a', Buffer.alloc(10));
    cache.set('a', Buffer.alloc(10));
    cache.set('b', Buffer.alloc(10));
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('b')).toBeDefined();
  });

  it('counts entries when no size is given', () => {
    const cache = new LruCache<string>(2);
    cache.set('a', 'x');
    cache.set('b', 'y');
    cache.set('c', 'z');
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 'y', 'z']);
  });
});
