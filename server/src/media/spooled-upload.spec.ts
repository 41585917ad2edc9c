import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { ImagePipeline } from './image-pipeline.js';
import { removeStaleSpooledUploads, SpooledFile, spoolTo, spoolToTemporaryFiles } from './spooled-upload.js';

describe('spooled uploads', () => {
  it('writes the stream to a private file, which discard removes', async () => {
    const bytes = Buffer.from('a photo, as it streamed in');
    const spooled = await spoolToTemporaryFiles.receive(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]), 0);
    expect(spooled.bytes).toBe(bytes.length);
    expect(await readFile(spooled.path)).toEqual(bytes);
    expect((await stat(spooled.path)).mode & 0o777).toBe(0o600);
    await spoolToTemporaryFiles.discard(spooled);
    expect(existsSync(spooled.path)).toBe(false);
  });

  it('leaves no file when the stream fails part-way', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('half a body'));
        this.destroy(new Error('Unexpected end of form'));
      },
    });
    const directory = await mkdtemp(path.join(tmpdir(), 'spool-spec-'));
    try {
      await expect(spoolTo(directory).receive(failing, 0)).rejects.toThrow('Unexpected end of form');
      expect(await readdir(directory)).toEqual([]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('is prepared from the file as a Buffer of the same bytes would be', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const spooled = await spoolToTemporaryFiles.receive(Readable.from([png]), png.length);
    try {
      const pipeline = new ImagePipeline();
      const [fromFile, fromMemory] = await Promise.all([pipeline.prepare(spooled), pipeline.prepare(png)]);
      expect(spooled).toBeInstanceOf(SpooledFile);
      expect(fromFile.image).toMatchObject({ contentType: 'image/png', width: 40, height: 30 });
      expect(fromFile.image.data).toEqual(fromMemory.image.data);
    } finally {
      await spoolToTemporaryFiles.discard(spooled);
    }
  });

  it('sweeps only spooled uploads older than the bound', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'spool-spec-'));
    try {
      const spool = spoolTo(directory);
      const stale = await spool.receive(Readable.from([Buffer.from('left by a crash')]), 0);
      const fresh = await spool.receive(Readable.from([Buffer.from('in flight')]), 0);
      await writeFile(path.join(directory, 'someone-elses-file'), 'not ours');
      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
      await utimes(stale.path, twoHoursAgo, twoHoursAgo);
      await utimes(path.join(directory, 'someone-elses-file'), twoHoursAgo, twoHoursAgo);

      expect(await removeStaleSpooledUploads(directory, new Date(Date.now() - 60 * 60 * 1000))).toBe(1);
      expect((await readdir(directory)).sort()).toEqual([path.basename(fresh.path), 'someone-elses-file'].sort());
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
