import sharp from 'sharp';
import { makeObjectKey } from '../../src/infra/storage/object-key.js';
import { ObjectStorage } from '../../src/infra/storage/object-storage.js';
import { ORPHAN_MIN_AGE_MS, OrphanSweep } from '../../src/operations/orphan-sweep.js';
import { upload } from '../media/multipart-upload.js';
import { laneName } from '../support/lanes.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe(`orphan sweep of stored files (${laneName} lane, e2e)`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('removes files no row names once they are old enough, and keeps every recorded one', async () => {
    const user = await t.createUser();
    const kit = await t.request('POST', '/v1/brand-kits', {
      key: user.apiKey,
      body: { brandName: 'Sweep', colors: ['#102030'], tone: 'calm' },
    });
    const image = await sharp({ create: { width: 300, height: 450, channels: 3, background: '#c08a6a' } })
      .jpeg()
      .toBuffer();
    const avatar = await upload(
      t,
      'POST',
      '/v1/avatars',
      user.apiKey,
      { brandKitId: kit.body.id, name: 'Kept', gender: 'female', ageRange: '25-34' },
      { data: image, type: 'image/jpeg', filename: 'kept.jpg' },
    );
    expect(avatar.status).toBe(201);

    // What a crash between the write and the commit leaves: a file with no StoredObject row.
    const storage = t.app.get(ObjectStorage);
    const orphan = makeObjectKey({ collection: 'avatars', ownerId: user.id, variant: 'original', extension: 'jpg' });
    await storage.put(orphan, image, 'image/jpeg');
    const sweep = t.app.get(OrphanSweep);

    // Young: it may still be on its way to a commit.
    expect(await sweep.sweep(new Date(Date.now() - ORPHAN_MIN_AGE_MS))).toEqual([]);
    expect(await storage.exists(orphan)).toBe(true);

    // Old enough (the sweep told that everything before a second from now is old).
    expect(await sweep.sweep(new Date(Date.now() + 1_000))).toEqual([orphan]);
    expect(await storage.exists(orphan)).toBe(false);
    const recorded = await t.database.client.storedObject.findMany({ where: { userId: user.id } });
    expect(recorded.length).toBeGreaterThan(0);
    for (const object of recorded) expect(await storage.exists(object.key)).toBe(true);
  });
});
