import { createHash } from 'node:crypto';
import { LruCache } from '../lru-cache.js';

/** Rendered previews kept in memory: a few hundred typical control images. */
const PREVIEW_BUDGET_BYTES = 32 * 1024 * 1024;

/** Rendered control images by template version and size, with the ETag each is served under. */
export class ControlImageCache extends LruCache<Buffer> {
  constructor() {
    super(PREVIEW_BUDGET_BYTES, (png) => png.length);
  }

  /** A strong ETag: the same key always renders the same bytes. */
  etagOf(key: string): string {
    return `"${createHash('sha256').update(key).digest('base64url').slice(0, 27)}"`;
  }
}
