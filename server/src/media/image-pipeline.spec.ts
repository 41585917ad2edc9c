import sharp from 'sharp';
import {
  exifHasGps,
  HTML_DOCUMENT,
  pngDeclaringSize,
  sidewaysJpegWithGps,
  solidImage,
  SVG_DOCUMENT,
} from '../../test/media/image-fixtures.js';
import { ProblemException } from '../common/errors/problem.js';
import { ImagePipeline } from './image-pipeline.js';

async function pixelAt(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return [...data.subarray(offset, offset + 3)];
}

async function rejection(promise: Promise<unknown>): Promise<ProblemException> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ProblemException);
  return error as ProblemException;
}

describe('ImagePipeline', () => {
  const pipeline = new ImagePipeline();

  it('turns an EXIF-rotated JPEG upright and strips EXIF and GPS from the image and thumbnail', async () => {
    const upload = await sidewaysJpegWithGps();
    expect(exifHasGps((await sharp(upload).metadata()).exif)).toBe(true);

    const { image, thumbnail } = await pipeline.prepare(upload);

    expect(image).toMatchObject({ contentType: 'image/jpeg', extension: 'jpg', width: 100, height: 200 });
    const stored = await sharp(image.data).metadata();
    expect([stored.width, stored.height, stored.orientation, stored.exif, stored.icc]).toEqual([
      100,
      200,
      undefined,
      undefined,
      undefined,
    ]);
    const [top, bottom] = [await pixelAt(image.data, 50, 20), await pixelAt(image.data, 50, 180)];
    expect(top[0]).toBeGreaterThan(200);
    expect(top[2]).toBeLessThan(60);
    expect(bottom[2]).toBeGreaterThan(200);
    expect(bottom[0]).toBeLessThan(60);

    expect(thumbnail).toMatchObject({ contentType: 'image/webp', width: 100, height: 200 });
    expect((await sharp(thumbnail.data).metadata()).exif).toBeUndefined();
    expect((await pixelAt(thumbnail.data, 50, 20))[0]).toBeGreaterThan(200);
  });

  it('makes a WebP thumbnail 256 px on the long side and keeps PNG transparency', async () => {
    const { image, thumbnail } = await pipeline.prepare(await solidImage('png', 1000, 500));
    expect(image).toMatchObject({ contentType: 'image/png', width: 1000, height: 500 });
    expect((await sharp(image.data).metadata()).hasAlpha).toBe(true);
    expect(thumbnail).toMatchObject({ width: 256, height: 128 });
    const thumbnailMetadata = await sharp(thumbnail.data).metadata();
    expect([thumbnailMetadata.format, thumbnailMetadata.hasAlpha]).toEqual(['webp', true]);
  });

  it('accepts WebP and re-encodes it as WebP', async () => {
    const { image } = await pipeline.prepare(await solidImage('webp'));
    expect((await sharp(image.data).metadata()).format).toBe('webp');
  });

  it.each([
    ['HTML', () => Promise.resolve(HTML_DOCUMENT)],
    ['SVG', () => Promise.resolve(SVG_DOCUMENT)],
    ['GIF', () => solidImage('gif')],
    ['empty', () => Promise.resolve(Buffer.alloc(0))],
  ])('refuses %s with 415 whatever it claims to be', async (_name, makeUpload) => {
    const error = await rejection(pipeline.prepare(await makeUpload()));
    expect(error.getStatus()).toBe(415);
  });

  it('refuses a few-KB PNG declaring 50000x50000 pixels fast and without decoding it', async () => {
    const bomb = pngDeclaringSize(50_000, 50_000);
    expect(bomb.length).toBeLessThan(16 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const error = await rejection(pipeline.prepare(bomb));
    const elapsedMs = performance.now() - started;
    expect(error.getStatus()).toBe(422);
    expect(error.detail).toMatch(/50000x50000/);
    expect(elapsedMs).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses an image above a configured pixel limit', async () => {
    const error = await rejection(new ImagePipeline(1000).prepare(await solidImage('png', 40, 30)));
    expect(error.getStatus()).toBe(422);
  });

  it('refuses a truncated JPEG instead of storing a half-decoded image', async () => {
    const jpeg = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#808080' } })
      .composite([
        { input: Buffer.from('<svg width="300" height="300"><circle cx="150" cy="150" r="100" fill="#f00"/></svg>') },
      ])
      .jpeg()
      .toBuffer();
    const error = await rejection(pipeline.prepare(jpeg.subarray(0, Math.floor(jpeg.length / 2))));
    expect(error.getStatus()).toBe(422);
  });

  describe('prepareRender', () => {
    const circleJpeg = () =>
      sharp({ create: { width: 300, height: 450, channels: 3, background: '#808080' } })
        .composite([
          { input: Buffer.from('<svg width="300" height="450"><circle cx="150" cy="200" r="100" fill="#f00"/></svg>') },
        ])
        .jpeg()
        .toBuffer();

    it('keeps a bare render byte for byte and makes its thumbnail', async () => {
      const render = await circleJpeg();
      const checked = await pipeline.check(render);
      expect(checked).toEqual({ contentType: 'image/jpeg', width: 300, height: 450, bare: true });
      const { image, thumbnail } = await pipeline.prepareRender(render, checked);
      expect(image.data.equals(render)).toBe(true);
      expect(image).toMatchObject({ contentType: 'image/jpeg', extension: 'jpg', width: 300, height: 450 });
      expect(thumbnail).toMatchObject({ contentType: 'image/webp', width: 171, height: 256 });
      const [red] = await pixelAt(thumbnail.data, 85, 114);
      expect(red).toBeGreaterThan(200);
    });

    it('re-encodes a render that carries metadata, as prepare() does', async () => {
      const render = await sidewaysJpegWithGps();
      const checked = await pipeline.check(render);
      expect(checked.bare).toBe(false);
      const { image } = await pipeline.prepareRender(render, checked);
      expect(image.data.equals(render)).toBe(false);
      const stored = await sharp(image.data).metadata();
      expect(stored.exif).toBeUndefined();
      expect(stored.orientation).toBeUndefined();
    });

    it('refuses a truncated render although its header passed the check', async () => {
      const render = await circleJpeg();
      const truncated = render.subarray(0, Math.floor(render.length / 2));
      const checked = await pipeline.check(truncated);
      expect(checked.bare).toBe(true);
      const error = await rejection(pipeline.prepareRender(truncated, checked));
      expect(error.getStatus()).toBe(422);
    });
  });
});
