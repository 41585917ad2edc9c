import { ImagePipeline } from '../../src/media/image-pipeline.js';
import { StoredImagesService } from '../../src/media/stored-images.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { solidImage } from './image-fixtures.js';
import { storedFiles } from './multipart-upload.js';

/** The store-then-record contract that keeps files and rows together, on the real app's storage and database. */
describe('StoredImagesService (e2e)', () => {
  let t: TestApp;
  let user: { id: string; apiKey: string };
  let storedImages: StoredImagesService;

  beforeAll(async () => {
    t = await startTestApp();
    user = await t.createUser();
    storedImages = t.app.get(StoredImagesService);
  });
  afterAll(() => t.close());

  it('deletes the files it wrote and rolls back the rows when recording fails', async () => {
    const { image, thumbnail } = await new ImagePipeline().prepare(await solidImage('png'));
    const objectsBefore = await t.database.client.storedObject.count();

    const failure = storedImages.store(user.id, 'tests', { image, thumbnail }, async (tx, objectIds) => {
      expect(await tx.storedObject.count({ where: { id: { in: [objectIds.image, objectIds.thumbnail] } } })).toBe(2);
      expect(await storedFiles(t)).toHaveLength(2);
      throw new Error('the owning record could not be written');
    });

    await expect(failure).rejects.toThrow('the owning record could not be written');
    expect(await storedFiles(t)).toEqual([]);
    expect(await t.database.client.storedObject.count()).toBe(objectsBefore);
  });

  it('leaves out optional images and records the rest', async () => {
    const { image } = await new ImagePipeline().prepare(await solidImage('png'));
    const objectIds = await storedImages.store(user.id, 'tests', { image, cutout: undefined }, (_tx, ids) =>
      Promise.resolve(ids),
    );
    expect(objectIds.cutout).toBeUndefined();
    const row = await t.database.client.storedObject.findUniqueOrThrow({ where: { id: objectIds.image } });
    expect(row).toMatchObject({ userId: user.id, contentType: 'image/png', width: 64, height: 48 });
    expect(row.key).toMatch(new RegExp(`^tests/${user.id}/[0-9a-f-]{36}-image\\.png$`));
    await storedImages.deleteFiles([row.key]);
  });
});
