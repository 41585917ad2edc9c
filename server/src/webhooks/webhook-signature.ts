import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
/** Standard Webhooks asks for 24-64 random bytes; 32 is what its reference libraries mint. */
const SECRET_BYTES = 32;

/** A new endpoint secret: `whsec_` + base64 of random bytes, as Standard Webhooks receivers expect it. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The HMAC key is the base64-decoded part after `whsec_`, exactly as `standardwebhooks` reads it. */
function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, over the exact bytes that are sent. */
export function signWebhook(secret: string, messageId: string, timestampSeconds: number, body: Buffer): string {
  const hmac = createHmac('sha256', secretKey(secret));
  hmac.update(`${messageId}.${timestampSeconds}.`);
  hmac.update(body);
  return `v1,${hmac.digest('base64')}`;
}

/** The `webhook-*` headers of one attempt; several secrets (during a rotation) give a space-separated list. */
export function webhookHeaders(
  secrets: string[],
  messageId: string,
  timestampSeconds: number,
  body: Buffer,
): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((secret) => signWebhook(secret, messageId, timestampSeconds, body)).join(' '),
  };
}
