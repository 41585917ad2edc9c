import sharp from 'sharp';
import { maskIoU, syntheticScenes, type SyntheticScene } from '../../../test/media/synthetic-scenes.js';
import { BackgroundRemovalError } from './background-remover.js';
import { LocalBackgroundRemover } from './local-background-remover.js';

async function alphaOf(png: Buffer): Promise<{ alpha: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(png).extractChannel(3).raw().toBuffer({ resolveWithObject: true });
  return { alpha: new Uint8Array(data), width: info.width, height: info.height };
}

describe('LocalBackgroundRemover', () => {
  const remover = new LocalBackgroundRemover();
  let scenes: SyntheticScene[];
  beforeAll(async () => {
    scenes = await syntheticScenes();
  });

  it('cuts drawn objects out of plain, light-grey, gradient and vignetted backgrounds', async () => {
    const scores: string[] = [];
    let total = 0;
    for (const scene of scenes) {
      const cutout = await remover.removeBackground(scene.photo);
      expect(cutout).toMatchObject({ method: 'local', width: scene.width, height: scene.height });
      expect((await sharp(cutout.png).metadata()).format).toBe('png');
      const { alpha, width, height } = await alphaOf(cutout.png);
      const corners = [0, width - 1, (height - 1) * width, height * width - 1].map((index) => alpha[index]);
      expect({ scene: scene.name, corners }).toEqual({ scene: scene.name, corners: [0, 0, 0, 0] });
      expect({ scene: scene.name, centre: alpha[Math.floor(height / 2) * width + Math.floor(width / 2)] }).toEqual({
        scene: scene.name,
        centre: 255,
      });
      const iou = maskIoU(scene.mask, alpha);
      scores.push(`${scene.name}: ${iou.toFixed(4)}`);
      total += iou;
      expect({ scene: scene.name, iou: iou >= 0.85 }).toEqual({ scene: scene.name, iou: true });
    }
    const meanIoU = total / scenes.length;
    console.log(
      `local background removal IoU against known masks\n  ${scores.join('\n  ')}\n  mean IoU: ${meanIoU.toFixed(4)}`,
    );
    expect(meanIoU).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps a transparent input transparent around the object', async () => {
    const scene = scenes[0];
    const withAlpha = await sharp(scene.photo).ensureAlpha().png().toBuffer();
    const { alpha } = await alphaOf((await remover.removeBackground(withAlpha)).png);
    expect(maskIoU(scene.mask, alpha)).toBeGreaterThan(0.9);
  });

  it('cuts out greyscale photos too, as RGBA', async () => {
    const scene = scenes[0];
    const greyscale = await sharp(scene.photo).toColourspace('b-w').jpeg().toBuffer();
    expect((await sharp(greyscale).metadata()).channels).toBe(1);
    const cutout = await remover.removeBackground(greyscale);
    expect((await sharp(cutout.png).metadata()).channels).toBe(4);
    expect(maskIoU(scene.mask, (await alphaOf(cutout.png)).alpha)).toBeGreaterThan(0.95);
  });

  it('gives up on a photo whose border is no background', async () => {
    const noise = await sharp({
      create: {
        width: 200,
        height: 150,
        channels: 3,
        background: '#000000',
        noise: { type: 'gaussian', mean: 128, sigma: 60 },
      },
    })
      .png()
      .toBuffer();
    await expect(remover.removeBackground(noise)).rejects.toBeInstanceOf(BackgroundRemovalError);
  });

  it('gives up on a photo with nothing in front of the background', async () => {
    const empty = await sharp({ create: { width: 200, height: 150, channels: 3, background: '#f0f0f0' } })
      .jpeg()
      .toBuffer();
    await expect(remover.removeBackground(empty)).rejects.toThrow(/No object/);
  });
});
