import { randomUUID } from 'node:crypto';

const CONTENT_TYPE_BY_EXTENSION = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
} as const;

export type ObjectExtension = keyof typeof CONTENT_TYPE_BY_EXTENSION;

/** Lower-case segments of letters, digits, '-' and '_', then a file name with one known extension. */
const OBJECT_KEY_PATTERN = /^(?:[a-z0-9][a-z0-9_-]*\/)+[a-z0-9][a-z0-9_-]*\.(?:jpg|png|webp)$/;

/**
 * Builds a key such as `avatars/<userId>/<uuid>-thumbnail.webp`. Keys are only ever made here, so a key
 * from a URL can be checked against the same shape before it touches a file system or a bucket.
 */
export function makeObjectKey(parts: {
  collection: string;
  ownerId: string;
  variant: string;
  extension: ObjectExtension;
}): string {
  const key = `${parts.collection}/${parts.ownerId.toLowerCase()}/${randomUUID()}-${parts.variant}.${parts.extension}`;
  assertObjectKey(key);
  return key;
}

export function isObjectKey(key: string): boolean {
  return key.length <= 512 && OBJECT_KEY_PATTERN.test(key);
}

export function assertObjectKey(key: string): void {
  if (!isObjectKey(key)) throw new Error(`Not a server-made object key: ${JSON.stringify(key)}`);
}

/** The content type follows from the key, which the server made from the sniffed image type. */
export function contentTypeOfKey(key: string): string {
  const extension = key.slice(key.lastIndexOf('.') + 1) as ObjectExtension;
  return CONTENT_TYPE_BY_EXTENSION[extension] ?? 'application/octet-stream';
}
