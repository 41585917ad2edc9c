import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileUrlSigner } from './file-url-signer.js';
import { assertObjectKey, contentTypeOfKey, isObjectKey } from './object-key.js';
import {
  DEFAULT_SIGNED_URL_TTL_SECONDS,
  ObjectStorage,
  type ObjectContent,
  type SignedUrlOptions,
  type StoredObjectEntry,
} from './object-storage.js';

/** Objects as files under `<DATA_DIR>/objects`, served by the API through HMAC-signed URLs. */
export class LocalObjectStorage extends ObjectStorage {
  private readonly root: string;

  constructor(
    dataDir: string,
    private readonly signer: FileUrlSigner,
  ) {
    super();
    this.root = path.resolve(dataDir, 'objects');
  }

  async put(key: string, body: Buffer | Readable, _contentType: string): Promise<{ size: number }> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    // Write beside the target and rename, so a reader never sees half a file and a failed write leaves none.
    const partial = `${target}.${randomBytes(6).toString('hex')}.partial`;
    try {
      if (Buffer.isBuffer(body)) await writeFile(partial, body, { flag: 'wx' });
      else await pipeline(body, createWriteStream(partial, { flags: 'wx' }));
      const size = Buffer.isBuffer(body) ? body.length : (await stat(partial)).size;
      await rename(partial, target);
      return { size };
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<ObjectContent | undefined> {
    const size = await this.sizeOf(key);
    if (size === undefined) return undefined;
    return { stream: createReadStream(this.pathOf(key)), contentType: contentTypeOfKey(key), size };
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    return (await this.sizeOf(key)) !== undefined;
  }

  signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    assertObjectKey(key);
    const expiresInSeconds = options.expiresInSeconds ?? DEFAULT_SIGNED_URL_TTL_SECONDS;
    return Promise.resolve(this.signer.signedUrl(options.apiBaseUrl, key, expiresInSeconds));
  }

  async *list(): AsyncIterable<StoredObjectEntry> {
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const key = path.relative(this.root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
      // Half-written `.partial` files are not objects; a failed write removes its own.
      if (!isObjectKey(key)) continue;
      const modified = await stat(this.pathOf(key)).catch(() => undefined);
      if (modified) yield { key, modifiedAt: modified.mtime };
    }
  }

  private async sizeOf(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private pathOf(key: string): string {
    // The key shape admits no '..' or absolute paths; checked on every access, as keys also arrive in URLs.
    assertObjectKey(key);
    return path.join(this.root, ...key.split('/'));
  }
}
