import { etagOf, ifNoneMatchHits, serialiseJson } from './http-cache.js';

describe('http cache helpers', () => {
  it('derives the same strong ETag from the same bytes, and another from other bytes', () => {
    const a = serialiseJson({ data: [1, 2, 3] });
    expect(a.body.toString()).toBe('{"data":[1,2,3]}');
    expect(a.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(serialiseJson({ data: [1, 2, 3] }).etag).toBe(a.etag);
    expect(etagOf(Buffer.from('{"data":[1,2]}'))).not.toBe(a.etag);
  });

  it('matches If-None-Match lists, weak forms and *', () => {
    const etag = '"abc"';
    expect(ifNoneMatchHits(undefined, etag)).toBe(false);
    expect(ifNoneMatchHits('"abc"', etag)).toBe(true);
    expect(ifNoneMatchHits('W/"abc"', etag)).toBe(true);
    expect(ifNoneMatchHits('"x", "abc"', etag)).toBe(true);
    expect(ifNoneMatchHits('*', etag)).toBe(true);
    expect(ifNoneMatchHits('"abcd"', etag)).toBe(false);
    expect(ifNoneMatchHits('abc', etag)).toBe(false);
  });
});
