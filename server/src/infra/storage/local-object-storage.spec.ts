import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { itBehavesAsObjectStorage } from '../../../test/storage/object-storage-contract.js';
import { FileUrlSigner } from './file-url-signer.js';
import { LocalObjectStorage } from './local-object-storage.js';
import { makeObjectKey } from './object-key.js';

describe('LocalObjectStorage', () => {
  let dataDir: string;
  let storage: LocalObjectStorage;
  const signer = new FileUrlSigner(Buffer.alloc(32, 3));

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'lumiku-local-storage-'));
    storage = new LocalObjectStorage(dataDir, signer);
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  itBehavesAsObjectStorage(() => storage);

  it('keeps files under DATA_DIR/objects and leaves no partial file after a failed write', async () => {
    const key = makeObjectKey({ collection: 'tests', ownerId: 'owner', variant: 'partial', extension: 'png' });
    await storage.put(key, Buffer.from('complete'), 'image/png');
    const folder = path.join(dataDir, 'objects', 'tests', 'owner');
    expect(await readdir(folder)).toEqual([path.basename(key)]);
  });

  it('signs URLs under the API base that the signer accepts and that carry the key', async () => {
    const key = makeObjectKey({ collection: 'tests', ownerId: 'owner', variant: 'signed', extension: 'webp' });
    const url = new URL(await storage.signedUrl(key, { apiBaseUrl: 'https://api.example.test/' }));
    expect(url.origin).toBe('https://api.example.test');
    expect(url.pathname).toBe(`/v1/files/${key}`);
    const expires = Number(url.searchParams.get('expires'));
    expect(expires * 1000 - Date.now()).toBeGreaterThan(3590_000);
    expect(signer.check(key, url.searchParams.get('expires')!, url.searchParams.get('signature')!)).toBe('valid');
  });
});
