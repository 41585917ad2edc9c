import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { makeObjectKey } from '../../src/infra/storage/object-key.js';
import type { ObjectStorage } from '../../src/infra/storage/object-storage.js';

const newKey = (extension: 'png' | 'jpg' = 'png') =>
  makeObjectKey({
    collection: 'tests',
    ownerId: '0190a6b4-0000-7000-8000-000000000001',
    variant: 'original',
    extension,
  });

/**
 * The behaviour every ObjectStorage implementation owes its callers; run by each adapter's spec. `listing: false`
 * leaves `list()` to a separate `itListsWhatItStores` run, for a test server that cannot check its signature.
 */
export function itBehavesAsObjectStorage(storage: () => ObjectStorage, options: { listing?: boolean } = {}): void {
  it('stores a buffer and reads it back with its size and content type', async () => {
    const key = newKey();
    const body = Buffer.from('not really a png, storage does not care');
    expect(await storage().put(key, body, 'image/png')).toEqual({ size: body.length });
    const content = await storage().get(key);
    expect(content).toMatchObject({ contentType: 'image/png', size: body.length });
    expect(await buffer(content!.stream)).toEqual(body);
  });

  it('streams a body larger than one multipart part', async () => {
    const key = newKey('jpg');
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const chunkCount = 12;
    const source = Readable.from(
      (function* () {
        for (let index = 0; index < chunkCount; index++) yield chunk;
      })(),
    );
    expect(await storage().put(key, source, 'image/jpeg')).toEqual({ size: chunk.length * chunkCount });
    const stored = await buffer((await storage().get(key))!.stream);
    expect(stored.length).toBe(chunk.length * chunkCount);
    expect(stored.every((byte) => byte === 7)).toBe(true);
  });

  it('leaves no object behind when the source stream fails', async () => {
    const key = newKey();
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 1));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(storage().put(key, failing, 'image/png')).rejects.toThrow();
    expect(await storage().exists(key)).toBe(false);
  });

  it('reports existence and deletes idempotently', async () => {
    const key = newKey();
    expect(await storage().exists(key)).toBe(false);
    expect(await storage().get(key)).toBeUndefined();
    await storage().put(key, Buffer.from('x'), 'image/png');
    expect(await storage().exists(key)).toBe(true);
    await storage().delete(key);
    await storage().delete(key);
    expect(await storage().exists(key)).toBe(false);
  });

  if (options.listing !== false) itListsWhatItStores(storage);

  it('refuses keys it did not make', async () => {
    for (const key of ['../../etc/passwd', '/abs/path.png', 'tests/a/../../b.png', 'tests/a.svg', 'Tests/A.png']) {
      await expect(storage().put(key, Buffer.from('x'), 'image/png')).rejects.toThrow(/object key/);
    }
  });
}

/** `list()`: what the orphan sweep walks. */
export function itListsWhatItStores(storage: () => ObjectStorage): void {
  it('lists what it stores, with when it was written', async () => {
    const key = newKey();
    const before = Date.now() - 1_000;
    await storage().put(key, Buffer.from('x'), 'image/png');
    const listed: Array<{ key: string; modifiedAt: Date }> = [];
    for await (const entry of storage().list()) listed.push(entry);
    const entry = listed.find((candidate) => candidate.key === key);
    expect(entry?.modifiedAt.getTime()).toBeGreaterThanOrEqual(before);
    await storage().delete(key);
    for await (const remaining of storage().list()) expect(remaining.key).not.toBe(key);
  });
}
