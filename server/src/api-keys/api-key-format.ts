import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'lk_test_';
const SECRET_LENGTH = 32;
const DISPLAY_LENGTH = KEY_PREFIX.length + 4;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A new secret key: `lk_test_` and 32 base62 characters (about 190 bits). */
export function generateApiKey(): string {
  // 248 is the largest multiple of 62 under 256: rejecting bytes above it keeps every character equally likely.
  let secret = '';
  while (secret.length < SECRET_LENGTH) {
    for (const byte of randomBytes(SECRET_LENGTH)) {
      if (byte < 248 && secret.length < SECRET_LENGTH) secret += BASE62[byte % 62];
    }
  }
  return KEY_PREFIX + secret;
}

/** Keys are stored only as this hash; a leak of the table reveals no key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** What lists show of a key, e.g. `lk_test_AbCd`. */
export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_LENGTH);
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(KEY_PREFIX);
}
