import S3rver from '@20minutes/s3rver';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { sidewaysJpegWithGps } from '../media/image-fixtures.js';
import { fetchWithoutKey, storedFiles, upload } from '../media/multipart-upload.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The whole app with S3_BUCKET set, against a real S3 protocol server (s3rver) on 127.0.0.1. */
describe('uploads to an S3-compatible bucket (e2e)', () => {
  let bucketDirectory: string;
  let s3: S3rver;
  let t: TestApp;
  let user: { id: string; apiKey: string };

  beforeAll(async () => {
    bucketDirectory = await mkdtemp(path.join(tmpdir(), 'lumiku-s3rver-e2e-'));
    s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: bucketDirectory,
      configureBuckets: [{ name: 'lumiku-e2e' }],
    });
    const { port } = await s3.run();
    t = await startTestApp({
      env: {
        S3_BUCKET: 'lumiku-e2e',
        S3_ENDPOINT: `http://127.0.0.1:${port}`,
        S3_REGION: 'us-east-1',
        S3_ACCESS_KEY_ID: 'S3RVER',
        S3_SECRET_ACCESS_KEY: 'S3RVER',
      },
    });
    user = await t.createUser();
  });
  afterAll(async () => {
    await t.close();
    await s3.close();
    await rm(bucketDirectory, { recursive: true, force: true });
  });

  const bucketObjects = async () =>
    (await readdir(path.join(bucketDirectory, 'lumiku-e2e'), { recursive: true })).filter((name) =>
      name.endsWith('._S3rver_object'),
    );

  it('stores avatar files in the bucket, serves them by presigned URL and deletes them with the avatar', async () => {
    const kit = (await t.request('POST', '/v1/brand-kits', { key: user.apiKey, body: { brandName: 'Bucket' } })).body
      .id;
    const created = await upload(
      t,
      'POST',
      '/v1/avatars',
      user.apiKey,
      { brandKitId: kit, name: 'In S3' },
      {
        data: await sidewaysJpegWithGps(),
        type: 'image/jpeg',
        filename: 'model.jpg',
      },
    );
    expect(created.status).toBe(201);
    expect(await storedFiles(t)).toEqual([]);
    expect(await bucketObjects()).toHaveLength(2);

    const thumbnailUrl = new URL(created.body.thumbnailUrl);
    expect(thumbnailUrl.searchParams.get('X-Amz-Expires')).toBe('3600');
    const thumbnail = await fetchWithoutKey(thumbnailUrl.toString());
    expect(thumbnail).toMatchObject({ status: 200, type: 'image/webp' });
    expect((await sharp(thumbnail.body).metadata()).height).toBe(200);
    thumbnailUrl.searchParams.set('X-Amz-Expires', '7200');
    expect((await fetch(thumbnailUrl)).status).toBe(403);

    expect((await t.request('DELETE', `/v1/avatars/${created.body.id}`, { key: user.apiKey })).status).toBe(204);
    expect(await bucketObjects()).toEqual([]);
  });
});
