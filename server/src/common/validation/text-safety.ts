import type { FieldError } from '../errors/problem.js';

/** NUL, or a UTF-16 surrogate without its other half: PostgreSQL text and jsonb refuse both. */
// eslint-disable-next-line no-control-regex -- NUL is the character this rule is about.
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Deeper structures than any request of this API needs are not walked (the JSON parser caps depth). */
const MAX_WALK_DEPTH = 64;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE_TEXT.test(text);
}

function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * Every string (values and object keys) in a request part that PostgreSQL could not store, named the way
 * validation errors name fields (`fonts[0].family`). One rule for every route, JSON or multipart.
 */
export function unstorableTextErrors(value: unknown, parent = '', depth = 0): FieldError[] {
  if (typeof value === 'string') {
    return isStorableText(value)
      ? []
      : [{ field: parent || 'body', message: `${parent || 'body'} must not contain NUL or unpaired surrogates` }];
  }
  if (value === null || typeof value !== 'object' || depth > MAX_WALK_DEPTH) return [];
  if (Array.isArray(value))
    return value.flatMap((item, index) => unstorableTextErrors(item, fieldPath(parent, index), depth + 1));
  return Object.entries(value).flatMap(([key, item]) =>
    isStorableText(key)
      ? unstorableTextErrors(item, fieldPath(parent, key), depth + 1)
      : [{ field: parent || 'body', message: `${parent || 'body'} has a field name with NUL or unpaired surrogates` }],
  );
}
