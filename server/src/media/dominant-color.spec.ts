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

  it('reads an amber bottle as amber, not as the large cream label wrapped around it', async () => {
    // A shaded amber body (lighter in the middle, as a cylinder is lit) and a flat cream label covering
    // more pixels than any one shade of the body: counted by area alone, the label would win.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="400">
      <defs><linearGradient id="glass" x1="0" y1="0" x2="1" y2="0">
        <stop offset="0" stop-color="#8a5206"/><stop offset="0.5" stop-color="#d08a14"/><stop offset="1" stop-color="#8a5206"/>
      </linearGradient></defs>
      <rect x="20" y="70" width="160" height="320" rx="30" fill="url(#glass)"/>
      <rect x="75" y="10" width="50" height="70" fill="url(#glass)"/>
      <rect x="32" y="120" width="136" height="230" fill="#f3e5c0"/>
    </svg>`;
    const cutout = await sharp(Buffer.from(svg)).png().toBuffer();
    const color = await dominantColor(cutout);
    // The body's mean shade, between its dark edges (#8A5206) and its lit middle (#D08A14).
    expect({ color, nearBody: colorDistance(color, '#AD6E0D') < 30 }).toEqual({ color, nearBody: true });
    expect(colorDistance(color, '#F3E5C0')).toBeGreaterThan(100);
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
