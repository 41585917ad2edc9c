import sharp from 'sharp';
import { colorDistance, syntheticScenes } from '../../test/media/synthetic-scenes.js';
import { LocalBackgroundRemover } from './background-removal/local-background-remover.js';
import { dominantColor } from './dominant-color.js';

describe('dominantColor', () => {
  it("finds each drawn object's colour in its cutout, not the background's", async () => {
    const remover = new LocalBackgroundRemover();
    for (const scene of await syntheticScenes()) {
      const color = await dominantColor((await remover.removeBackground(scene.photo)).png);
      expect(color).toMatch(/^#[0-9A-F]{6}$/);
      expect({ scene: scene.name, close: colorDistance(color, scene.objectColor) < 24 }).toEqual({
        scene: scene.name,
        close: true,
      });
    }
  });

  it('prefers the largest surface to the average of several colours', async () => {
    const image = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#1E90FF' } })
      .composite([
        { input: { create: { width: 40, height: 100, channels: 3, background: '#FFD700' } }, left: 0, top: 0 },
      ])
      .png()
      .toBuffer();
    expect(colorDistance(await dominantColor(image), '#1E90FF')).toBeLessThan(8);
  });

  it('reads greyscale images, and images with no fully opaque pixel', async () => {
    const grey = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#808080' } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    expect(await dominantColor(grey)).toBe('#808080');
    const halfTransparent = await sharp(grey).ensureAlpha(0.5).png().toBuffer();
    expect(await dominantColor(halfTransparent)).toBe('#808080');
  });
});
