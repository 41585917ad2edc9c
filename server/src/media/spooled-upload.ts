import { randomUUID } from 'node:crypto';
import { open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FileReceiver } from '../common/validation/multipart-form.js';

/**
 * An upload written to a temporary file as it streamed in. Uploads that wait for an image slot then hold
 * no memory: sharp decodes from the file once the slot is theirs (see ImagePipeline.prepare).
 */
export class SpooledFile {
  constructor(
    readonly path: string,
    readonly bytes: number,
  ) {}
}

const SPOOLED_PREFIX = 'lumiku-upload-';

/** Receives multipart file parts into private files in `directory`. */
export function spoolTo(directory: string): Required<FileReceiver<SpooledFile>> {
  return {
    async receive(file) {
      const filePath = path.join(directory, `${SPOOLED_PREFIX}${randomUUID()}`);
      // Opened before the first byte: a write stream that opens its own file may still create it after a
      // failed stream was cleaned up, leaving it behind.
      const handle = await open(filePath, 'wx', 0o600);
      try {
        const sink = handle.createWriteStream();
        await pipeline(file, sink);
        return new SpooledFile(filePath, sink.bytesWritten);
      } catch (error) {
        await handle.close().catch(() => undefined);
        await rm(filePath, { force: true });
        throw error;
      }
    },
    discard: (spooled) => rm(spooled.path, { force: true }),
  };
}

/** Where the upload routes spool: the system's temporary directory. */
export const SPOOL_DIRECTORY = tmpdir();

/** The upload routes' receiver. */
export const spoolToTemporaryFiles = spoolTo(SPOOL_DIRECTORY);

/**
 * Deletes spooled uploads in `directory` last written before `writtenBefore`: what a process that died
 * mid-request leaves (a live one deletes its own when the request settles). Answers how many went.
 */
export async function removeStaleSpooledUploads(directory: string, writtenBefore: Date): Promise<number> {
  let removed = 0;
  for (const name of await readdir(directory)) {
    if (!name.startsWith(SPOOLED_PREFIX)) continue;
    const filePath = path.join(directory, name);
    const written = await stat(filePath).then(
      (info) => info.mtime,
      () => undefined,
    );
    if (!written || written >= writtenBefore) continue;
    await rm(filePath, { force: true });
    removed += 1;
  }
  return removed;
}
