import { nestsDeeperThan } from './json-body.js';
import { isStorableText, unstorableTextErrors } from './text-safety.js';

describe('text PostgreSQL can store', () => {
  it('refuses NUL and unpaired surrogates, keeps paired ones', () => {
    expect(['a\u0000b', '\ud800', 'x\udc00', '\ud83d', '\ude00a'].map(isStorableText)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(['', 'plain', 'emoji \ud83d\ude00', 'accents éü'].map(isStorableText)).toEqual([true, true, true, true]);
  });

  it('names each offending field the way validation errors do', () => {
    const errors = unstorableTextErrors({
      name: 'ok',
      fonts: [{ family: 'Inter' }, { family: 'bad\u0000' }],
      tags: ['fine', '\ud800'],
      'key\u0000': 'value',
    });
    expect(errors.map((error) => error.field)).toEqual(['fonts[1].family', 'tags[1]', 'body']);
  });
});

describe('JSON nesting depth', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(nestsDeeperThan('['.repeat(5_000) + ']'.repeat(5_000), 32)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[1,[2]]}}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":{"b":[1,[2]]}}', 3)).toBe(true);
    expect(nestsDeeperThan(JSON.stringify({ text: '[[[[[[[[\\"[[[[' }), 2)).toBe(false);
  });
});
