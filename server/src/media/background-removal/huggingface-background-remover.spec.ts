import sharp from 'sharp';
import {
  maskAsBase64Png,
  startSegmentationServer,
  type SegmentationServer,
} from '../../../test/media/segmentation-server.js';
import { maskIoU, syntheticScenes, type SyntheticScene } from '../../../test/media/synthetic-scenes.js';
import { BackgroundRemovalError } from './background-remover.js';
import { HuggingFaceBackgroundRemover } from './huggingface-background-remover.js';

describe('HuggingFaceBackgroundRemover against a local image-segmentation server', () => {
  let server: SegmentationServer;
  let scene: SyntheticScene;
  const maskPng = (mask: Uint8Array) => maskAsBase64Png(mask, scene.width, scene.height);
  const remover = () =>
    new HuggingFaceBackgroundRemover({ token: 'hf_test_token', model: 'briaai/RMBG-1.4', endpointUrl: server.url });

  beforeAll(async () => {
    [scene] = await syntheticScenes();
    server = await startSegmentationServer();
  });
  afterAll(() => server.close());

  it('sends the image as base64 JSON with the token and cuts out the union of non-background masks', async () => {
    const upperHalf = Uint8Array.from(scene.mask, (value, index) => (index < scene.mask.length / 2 ? value : 0));
    const lowerHalf = Uint8Array.from(scene.mask, (value, index) => (index >= scene.mask.length / 2 ? value : 0));
    const background = Uint8Array.from(scene.mask, (value) => 255 - value);
    const [upper, lower, rest] = await Promise.all([maskPng(upperHalf), maskPng(lowerHalf), maskPng(background)]);
    server.answerWith(() => ({
      status: 200,
      body: [
        { label: 'background', score: 0.99, mask: rest },
        { label: 'ball-top', score: 0.98, mask: upper },
        { label: 'ball-bottom', score: 0.97, mask: lower },
      ],
    }));

    const cutout = await remover().removeBackground(scene.photo);

    const request = server.received.at(-1)!;
    expect(request).toMatchObject({
      method: 'POST',
      authorization: 'Bearer hf_test_token',
      contentType: 'application/json',
    });
    expect(Buffer.from(request.body.inputs, 'base64')).toEqual(scene.photo);
    expect(cutout).toMatchObject({ method: 'huggingface', width: scene.width, height: scene.height });
    const alpha = await sharp(cutout.png).extractChannel(3).raw().toBuffer();
    expect(maskIoU(scene.mask, new Uint8Array(alpha))).toBeGreaterThan(0.98);
  });

  it('reports a loading model (503) as a removal failure, without retrying', async () => {
    const before = server.received.length;
    server.answerWith(() => ({
      status: 503,
      body: { error: 'Model briaai/RMBG-1.4 is currently loading', estimated_time: 20 },
    }));
    await expect(remover().removeBackground(scene.photo)).rejects.toThrow(BackgroundRemovalError);
    expect(server.received.length - before).toBe(1);
  });

  it('reports a malformed answer or only background as a removal failure', async () => {
    server.answerWith(() => ({ status: 200, body: { unexpected: true } }));
    await expect(remover().removeBackground(scene.photo)).rejects.toThrow(BackgroundRemovalError);
    const background = await maskPng(Uint8Array.from(scene.mask, (value) => 255 - value));
    server.answerWith(() => ({ status: 200, body: [{ label: 'background', score: 1, mask: background }] }));
    await expect(remover().removeBackground(scene.photo)).rejects.toThrow(/no object/);
  });
});
