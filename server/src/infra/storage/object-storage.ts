import type { Readable } from 'node:stream';

/** Default lifetime of a signed file URL: long enough for a page view, short enough to stop hot-linking. */
export const DEFAULT_SIGNED_URL_TTL_SECONDS = 3600;

export interface ObjectContent {
  stream: Readable;
  contentType: string;
  size: number;
}

export interface StoredObjectEntry {
  key: string;
  modifiedAt: Date;
}

export interface SignedUrlOptions {
  /** Absolute origin of this API (scheme://host[:port]); local storage serves files through it, S3 ignores it. */
  apiBaseUrl: string;
  expiresInSeconds?: number;
}

/**
 * Where uploaded and generated files live. Keys come from `makeObjectKey` (server-made, never from a client).
 * An abstract class so Nest can inject the configured implementation by this token.
 */
export abstract class ObjectStorage {
  /** Stores the body under the key, replacing any previous object; resolves with the byte count stored. */
  abstract put(key: string, body: Buffer | Readable, contentType: string): Promise<{ size: number }>;
  /** The object's content, or undefined when no object has this key. */
  abstract get(key: string): Promise<ObjectContent | undefined>;
  /** Removes the object; removing a missing key is not an error. */
  abstract delete(key: string): Promise<void>;
  abstract exists(key: string): Promise<boolean>;
  /** Every stored object with its last write, in no particular order (the orphan sweep reads it). */
  abstract list(): AsyncIterable<StoredObjectEntry>;
  /** An absolute URL that fetches the object without an API key until it expires. */
  abstract signedUrl(key: string, options: SignedUrlOptions): Promise<string>;
  /** Releases what the storage holds open at shutdown; local files hold nothing. */
  destroy(): void {}
}
