import { createHmac, timingSafeEqual } from 'node:crypto';

/** Path under which the API serves locally stored files; the object key follows it. */
export const FILE_ROUTE_PREFIX = '/v1/files/';

export type SignatureCheck = 'valid' | 'expired' | 'invalid';

/**
 * Signs file URLs with HMAC-SHA256 over the key and expiry, so a URL can be handed to a browser and
 * checked later without any stored state. Changing the key, the expiry or the signature invalidates it.
 */
export class FileUrlSigner {
  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
  ) {
    if (secret.length < 32) throw new Error('The file URL secret must be at least 32 bytes.');
  }

  signedUrl(apiBaseUrl: string, key: string, expiresInSeconds: number): string {
    const expires = Math.floor(this.now() / 1000) + expiresInSeconds;
    const url = new URL(FILE_ROUTE_PREFIX + key, apiBaseUrl);
    url.searchParams.set('expires', String(expires));
    url.searchParams.set('signature', this.signature(key, expires));
    return url.toString();
  }

  check(key: string, expires: string | undefined, signature: string | undefined): SignatureCheck {
    if (!expires || !signature || !/^\d{1,12}$/.test(expires)) return 'invalid';
    const expected = Buffer.from(this.signature(key, Number(expires)));
    const given = Buffer.from(signature);
    // Validity first: an altered URL must not learn whether its expiry has passed.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(expires) * 1000 <= this.now() ? 'expired' : 'valid';
  }

  private signature(key: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${key}\n${expires}`).digest('base64url');
  }
}
