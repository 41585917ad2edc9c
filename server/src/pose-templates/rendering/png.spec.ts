import sharp from 'sharp';
import { encodeRgbPng } from './png.js';

describe('encodeRgbPng', () => {
  it('encodes pixels that decode back to the same bytes', async () => {
    const width = 37;
    const height = 23;
    const pixels = Buffer.alloc(width * height * 3);
    for (let index = 0; index < pixels.length; index++) pixels[index] = (index * 7919) % 256;
    const png = encodeRgbPng(pixels, width, height);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ format: 'raw', width, height, channels: 3 });
    expect(data.equals(pixels)).toBe(true);
    // Decoders that check CRCs strictly (libspng in sharp does) accept it.
    expect((await sharp(png, { failOn: 'warning' }).metadata()).format).toBe('png');
  });

  it('refuses pixels that do not fill the size', () => {
    expect(() => encodeRgbPng(Buffer.alloc(10), 2, 2)).toThrow(RangeError);
  });
});
