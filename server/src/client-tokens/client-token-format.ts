import { createHmac, timingSafeEqual } from 'node:crypto';

const TOKEN_PREFIX = 'lk_ct_';

/** What a client token grants; signed, so the server keeps no row per token. */
export interface ClientTokenClaims {
  apiKeyId: string;
  userId: string;
  brandKitId: string;
  scopes: string[];
  /** Unix seconds after which the token is refused. */
  expiresAt: number;
}

export function looksLikeClientToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX);
}

function signature(payload: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(payload).digest();
}

/** `lk_ct_<base64url claims>.<base64url HMAC-SHA256 of the claims>`. */
export function signClientToken(claims: ClientTokenClaims, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${TOKEN_PREFIX}${payload}.${signature(payload, key).toString('base64url')}`;
}

/** The claims of an authentic token (expired or not), or undefined when it was not signed with `key`. */
export function readClientToken(token: string, key: Buffer): ClientTokenClaims | undefined {
  const [payload, mac, ...rest] = token.slice(TOKEN_PREFIX.length).split('.');
  if (!payload || !mac || rest.length > 0) return undefined;
  const given = Buffer.from(mac, 'base64url');
  const expected = signature(payload, key);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ClientTokenClaims;
}

/** A key for client tokens only, derived from the server secret so no second secret needs configuring. */
export function deriveClientTokenKey(serverSecret: Buffer): Buffer {
  return createHmac('sha256', serverSecret).update('lumiku client tokens v1').digest();
}
