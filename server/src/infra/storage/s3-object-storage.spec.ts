import S3rver from '@20minutes/s3rver';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { itBehavesAsObjectStorage, itListsWhatItStores } from '../../../test/storage/object-storage-contract.js';
import { makeObjectKey } from './object-key.js';
import { S3ObjectStorage } from './s3-object-storage.js';

/** A real S3 protocol server (s3rver) on 127.0.0.1, backed by a temporary folder, and a storage talking to it. */
function localS3(options: { checkSignatures: boolean }) {
  let directory: string;
  let server: S3rver;
  const local = {
    storage: undefined as unknown as S3ObjectStorage,
    async start() {
      directory = await mkdtemp(path.join(tmpdir(), 'lumiku-s3rver-'));
      server = new S3rver({
        address: '127.0.0.1',
        port: 0,
        silent: true,
        directory,
        configureBuckets: [{ name: 'lumiku-test' }],
        allowMismatchedSignatures: !options.checkSignatures,
      });
      const { port } = await server.run();
      local.storage = new S3ObjectStorage({
        bucket: 'lumiku-test',
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
      });
    },
    async stop() {
      local.storage.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
  return local;
}

/** Against s3rver checking SigV4 signatures. */
describe('S3ObjectStorage against a local S3 server', () => {
  const s3 = localS3({ checkSignatures: true });
  const storage = () => s3.storage;
  beforeAll(() => s3.start());
  afterAll(() => s3.stop());

  itBehavesAsObjectStorage(storage, { listing: false });

  describe('presigned URLs', () => {
    const key = makeObjectKey({ collection: 'tests', ownerId: 'owner', variant: 'presigned', extension: 'png' });
    beforeAll(() => storage().put(key, Buffer.from('presigned body'), 'image/png'));

    it('load without credentials', async () => {
      const response = await fetch(await storage().signedUrl(key, { apiBaseUrl: 'http://unused.test' }));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(await response.text()).toBe('presigned body');
    });

    it('stop loading when the signature or the key is altered', async () => {
      const url = new URL(await storage().signedUrl(key, { apiBaseUrl: 'http://unused.test' }));
      const tampered = new URL(url);
      const signature = tampered.searchParams.get('X-Amz-Signature')!;
      tampered.searchParams.set('X-Amz-Signature', (signature.startsWith('0') ? '1' : '0') + signature.slice(1));
      expect((await fetch(tampered)).status).toBe(403);
      const otherKey = new URL(url);
      otherKey.pathname = otherKey.pathname.replace('presigned', 'original');
      expect((await fetch(otherKey)).status).toBe(403);
    });

    it('stop loading once expired', async () => {
      const url = await storage().signedUrl(key, { apiBaseUrl: 'http://unused.test', expiresInSeconds: 1 });
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect((await fetch(url)).status).toBe(403);
    });
  });
});

/**
 * Listing, against a server that does not check signatures: s3rver refuses the SigV4 signature of every bucket
 * GET (ListObjects and ListObjectsV2) that the AWS SDK sends, while real S3 and MinIO accept it.
 */
describe('S3ObjectStorage listing against a local S3 server', () => {
  const s3 = localS3({ checkSignatures: false });
  beforeAll(() => s3.start());
  afterAll(() => s3.stop());

  itListsWhatItStores(() => s3.storage);
});
