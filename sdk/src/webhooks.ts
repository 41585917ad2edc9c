/** Thrown when a webhook's headers or signature do not check out. Answer such requests 400. */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
}

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** Seconds a timestamp may differ from now (Standard Webhooks: 300). */
  toleranceSeconds?: number;
}

const DEFAULT_TOLERANCE_SECONDS = 300;
const SECRET_PREFIX = 'whsec_';

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

function bytesToBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** Compares without an early exit, so timing reveals nothing about the expected signature. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}

async function sign(secret: string, content: string): Promise<string> {
  const keyBytes = base64ToBytes(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(content));
  return bytesToBase64(new Uint8Array(mac));
}

/**
 * Checks a Standard Webhooks delivery (`webhook-id`, `webhook-timestamp`, `webhook-signature`)
 * against the endpoint's `whsec_` secret. Pass the raw body exactly as received: a re-serialised
 * JSON object does not verify. Uses WebCrypto, so it runs in Node, browsers and edge runtimes.
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyOptions = {},
): Promise<void> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('Missing webhook headers.');
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) {
    throw new WebhookVerificationError('Invalid webhook-timestamp.');
  }
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(Date.now() / 1000 - seconds) > tolerance) {
    throw new WebhookVerificationError('Webhook timestamp is outside the tolerance.');
  }
  const body = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  const expected = await sign(secret, `${id}.${timestamp}.${body}`);
  // Several signatures may be sent during a secret rotation; any `v1` match is enough.
  const matches = signatures
    .split(' ')
    .map((entry) => entry.split(','))
    .some(
      ([version, signature]) => version === 'v1' && signature !== undefined && constantTimeEqual(signature, expected),
    );
  if (!matches) throw new WebhookVerificationError('No matching webhook signature.');
}

/** Verifies, then parses the body. */
export async function unwrapWebhook<T = unknown>(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options?: VerifyOptions,
): Promise<T> {
  await verifyWebhook(rawBody, headers, secret, options);
  return JSON.parse(typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody)) as T;
}
