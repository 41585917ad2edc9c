import sharp from 'sharp';
import {
  maskAsBase64Png,
  startSegmentationServer,
  type SegmentationServer,
} from '../../../test/media/segmentation-server.js';
import { colorDistance, syntheticScenes, type SyntheticScene } from '../../../test/media/synthetic-scenes.js';
import { BackgroundRemovalService } from './background-removal.service.js';
import { HuggingFaceBackgroundRemover } from './huggingface-background-remover.js';
import { LocalBackgroundRemover } from './local-background-remover.js';

describe('BackgroundRemovalService', () => {
  let server: SegmentationServer;
  let scene: SyntheticScene;
  let withModel: BackgroundRemovalService;

  beforeAll(async () => {
    [scene] = await syntheticScenes();
    server = await startSegmentationServer();
    withModel = new BackgroundRemovalService(
      new HuggingFaceBackgroundRemover({ token: 'hf_test_token', model: 'briaai/RMBG-1.4', endpointUrl: server.url }),
    );
  });
  afterAll(() => server.close());

  it('uses the model when it answers', async () => {
    const mask = await maskAsBase64Png(scene.mask, scene.width, scene.height);
    server.answerWith(() => ({ status: 200, body: [{ label: 'object', score: 1, mask }] }));
    expect(await withModel.removeBackground(scene.photo)).toMatchObject({ status: 'succeeded', method: 'huggingface' });
  });

  it('falls back to the local method when the model fails', async () => {
    server.answerWith(() => ({ status: 503, body: { error: 'Model is currently loading', estimated_time: 20 } }));
    const outcome = await withModel.removeBackground(scene.photo);
    expect(outcome).toMatchObject({ status: 'succeeded', method: 'local' });
  });

  it('reports failure, with the last method tried, when no method separates the product', async () => {
    server.answerWith(() => ({ status: 500, body: { error: 'internal' } }));
    const noise = await sharp({
      create: {
        width: 120,
        height: 90,
        channels: 3,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma: 60 },
      },
    })
      .png()
      .toBuffer();
    expect(await withModel.removeBackground(noise)).toMatchObject({ status: 'failed', method: 'local' });
    const localOnly = new BackgroundRemovalService(new LocalBackgroundRemover());
    expect(await localOnly.removeBackground(noise)).toMatchObject({ status: 'failed', method: 'local' });
  });

  it("finds the object's colour with or without a cutout", async () => {
    const localOnly = new BackgroundRemovalService(new LocalBackgroundRemover());
    const outcome = await localOnly.removeBackground(scene.photo);
    const cutout = outcome.status === 'succeeded' ? outcome.cutout : undefined;
    expect(colorDistance(await localOnly.objectColor(scene.photo, cutout), scene.objectColor)).toBeLessThan(24);
    expect(colorDistance(await localOnly.objectColor(scene.photo, undefined), scene.objectColor)).toBeLessThan(24);
  });
});
