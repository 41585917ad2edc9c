import sharp from 'sharp';
import { crc32, deflateSync } from 'node:zlib';

/**
 * A 200x100 JPEG, red on the left and blue on the right, tagged EXIF Orientation 6 (display rotated 90°
 * clockwise) and carrying GPS tags. Shown upright it is 100x200: red on top, blue below.
 */
export async function sidewaysJpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 200, height: 100, channels: 3, background: '#ff0000' } })
    .composite([
      { input: { create: { width: 100, height: 100, channels: 3, background: '#0000ff' } }, left: 100, top: 0 },
    ])
    .jpeg()
    .withExif({
      IFD0: { Make: 'Lumiku Test Camera' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 22/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '4/1 53/1 0/1' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** True when an EXIF block holds a pointer to a GPS IFD (tag 0x8825, in either byte order). */
export function exifHasGps(exif: Buffer | undefined): boolean {
  return exif !== undefined && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])));
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A decompression bomb: a valid PNG header declaring width x height 8-bit greyscale pixels, followed by a
 * few KB of compressed zero rows. Decoding it fully would need width x height bytes.
 */
export function pngDeclaringSize(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(4 * 1024 * 1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export const HTML_DOCUMENT = Buffer.from(
  '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>',
);

export const SVG_DOCUMENT = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>',
);

export async function solidImage(format: 'png' | 'jpeg' | 'webp' | 'gif', width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 20, g: 120, b: 200, alpha: 0.5 } } })
    .toFormat(format)
    .toBuffer();
}
