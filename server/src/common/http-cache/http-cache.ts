import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';

/** A JSON answer serialised once, with the strong validator its bytes determine. */
export interface CachedJson {
  body: Buffer;
  etag: string;
}

/** A strong ETag from the bytes themselves, so every process that builds the same answer gives the same tag. */
export function etagOf(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

export function serialiseJson(value: unknown): CachedJson {
  const body = Buffer.from(JSON.stringify(value));
  return { body, etag: etagOf(body) };
}

/**
 * Whether `If-None-Match` names this ETag (RFC 9110 §13.1.2: a list, weak comparison, or `*`). GET and HEAD
 * answer 304 when it does.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === opaque;
  });
}

/**
 * Answers with pre-serialised JSON and its ETag, or 304 without a body when the caller already holds it.
 * `no-cache` lets a client or private cache keep the answer but revalidate it each time, since templates
 * and counters change under it. Returns what the controller hands back to Nest (passthrough reply).
 */
export function sendCachedJson(
  reply: FastifyReply,
  ifNoneMatch: string | undefined,
  json: CachedJson,
): Buffer | undefined {
  reply.header('etag', json.etag).header('cache-control', 'private, no-cache');
  if (ifNoneMatchHits(ifNoneMatch, json.etag)) {
    reply.status(304);
    return undefined;
  }
  reply.type('application/json; charset=utf-8');
  return json.body;
}
