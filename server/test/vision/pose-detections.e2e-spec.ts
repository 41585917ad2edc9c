import { HTML_DOCUMENT } from '../media/image-fixtures.js';
import { upload } from '../media/multipart-upload.js';
import { garmentScenes } from '../media/synthetic-scenes.js';
import { createMerchant } from '../support/generation-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { annotatedPhotos, COCO_FIXTURES_ABSENT, cocoFixturesPresent, singlePersonCases } from './coco-fixtures.js';

const MEGABYTE = 1024 * 1024;

describe('POST /v1/pose-detections (e2e)', () => {
  let t: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { MAX_AVATAR_SIZE_MB: '1' } });
    ({ apiKey } = await t.createUser());
  });
  afterAll(() => t.close());

  const detect = (file: { data: Buffer; type: string; filename: string } | undefined, key = apiKey) =>
    upload(t, 'POST', '/v1/pose-detections', key, {}, file);

  (cocoFixturesPresent ? it : it.skip)('finds the person in a photo, normalised to the upright image', async () => {
    if (!cocoFixturesPresent) return console.log(`skipped: ${COCO_FIXTURES_ABSENT}`);
    const [photo] = await singlePersonCases(await annotatedPhotos());
    const response = await detect({ data: photo.image, type: 'image/jpeg', filename: photo.name });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ width: photo.width, height: photo.height });
    expect(response.body.people).toHaveLength(1);
    const [person] = response.body.people;
    expect(Object.keys(person).sort()).toEqual(['box', 'keypoints', 'score']);
    expect(Object.keys(person.box).sort()).toEqual(['height', 'width', 'x', 'y']);
    expect(person.keypoints).toHaveLength(18);
    for (const keypoint of person.keypoints) {
      expect(Object.keys(keypoint).sort()).toEqual(['c', 'x', 'y']);
      expect(keypoint.x).toBeGreaterThanOrEqual(0);
      expect(keypoint.x).toBeLessThanOrEqual(1);
    }
    expect(person.keypoints.filter((keypoint: { c: number }) => keypoint.c > 0).length).toBeGreaterThanOrEqual(8);
  });

  it('answers people: [] for a dress on a hanger, and stores nothing', async () => {
    const [dress] = await garmentScenes();
    const objectsBefore = await t.database.client.storedObject.count();
    const response = await detect({ data: dress.photo, type: 'image/jpeg', filename: 'dress.jpg' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ width: dress.width, height: dress.height, people: [] });
    expect(await t.database.client.storedObject.count()).toBe(objectsBefore);
  });

  it('refuses what is not a JPEG, PNG or WebP (415), whatever the client claims', async () => {
    const response = await detect({ data: HTML_DOCUMENT, type: 'image/png', filename: 'photo.png' });
    expect(response.status).toBe(415);
    expect(response.body.code).toBe('unsupported_media_type');
  });

  it('refuses a request that is not multipart (415) or has no file (400)', async () => {
    const json = await t.request('POST', '/v1/pose-detections', { key: apiKey, body: { file: 'photo' } });
    expect(json.status).toBe(415);
    const empty = await detect(undefined);
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([{ field: 'file', message: 'file is required' }]);
  });

  it('refuses a file over the upload limit (413) while it streams', async () => {
    const response = await detect({ data: Buffer.alloc(MEGABYTE + 1, 0xff), type: 'image/jpeg', filename: 'big.jpg' });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('payload_too_large');
  });

  it('refuses a truncated image (422)', async () => {
    const [dress] = await garmentScenes();
    const response = await detect({ data: dress.photo.subarray(0, 600), type: 'image/jpeg', filename: 'cut.jpg' });
    expect(response.status).toBe(422);
  });

  it('is open to client tokens with poses:read', async () => {
    const merchant = await createMerchant(t);
    const minted = await t.request('POST', '/v1/client-tokens', {
      key: merchant.apiKey,
      body: { brandKitId: merchant.brandKitId, scopes: ['poses:read'] },
    });
    expect(minted.status).toBe(201);
    const [dress] = await garmentScenes();
    const file = { data: dress.photo, type: 'image/jpeg', filename: 'dress.jpg' };
    expect((await detect(file, minted.body.token)).status).toBe(200);
    const reader = await t.request('POST', '/v1/client-tokens', {
      key: merchant.apiKey,
      body: { brandKitId: merchant.brandKitId, scopes: ['generations:read'] },
    });
    expect((await detect(file, reader.body.token)).status).toBe(403);
  });
});

describe('POST /v1/pose-detections with POSE_DETECTOR=off (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { POSE_DETECTOR: 'off' } });
  });
  afterAll(() => t.close());

  it('answers 503 pose_detector_disabled', async () => {
    const { apiKey } = await t.createUser();
    const [dress] = await garmentScenes();
    const response = await upload(
      t,
      'POST',
      '/v1/pose-detections',
      apiKey,
      {},
      {
        data: dress.photo,
        type: 'image/jpeg',
        filename: 'dress.jpg',
      },
    );
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('pose_detector_disabled');
  });
});
