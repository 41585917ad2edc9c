import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import sharp, { type Sharp } from 'sharp';
import { ProblemCode, ProblemException } from '../common/errors/problem.js';
import type { ObjectExtension } from '../infra/storage/object-key.js';
import { DEFAULT_IMAGE_JOBS, ProcessingSlots } from './processing-slots.js';
import { SpooledFile } from './spooled-upload.js';

/** 40 megapixels: above any phone or studio camera we expect, far below what would exhaust memory. */
export const DEFAULT_MAX_INPUT_PIXELS = 40_000_000;
/**
 * For every decode of an image that passed prepare(), or that a provider sent: sharp refuses a larger one
 * before allocating its pixels. Uploads are refused with a 422 earlier, by the header check.
 */
export const DECODE_LIMITS = { limitInputPixels: DEFAULT_MAX_INPUT_PIXELS } as const;
/**
 * Images up to this size (a 1024x1536 render is 1.6 MP) decode into at most ~12 MB: they take the small-image
 * slots, so a batch's renders do not queue behind a 27 MP upload, nor one by one.
 */
const SMALL_IMAGE_PIXELS = 4_000_000;
const SMALL_IMAGE_JOBS = 8;
export const THUMBNAIL_LONG_SIDE = 256;

const ACCEPTED_TYPES: Record<string, { extension: ObjectExtension; encode: (image: Sharp) => Sharp }> = {
  // Without optimised Huffman tables: computing them holds the whole image's coefficients (+240 MB at 27 MP,
  // three times slower) for a file 2% smaller.
  'image/jpeg': { extension: 'jpg', encode: (image) => image.jpeg({ quality: 90, optimiseCoding: false }) },
  'image/png': { extension: 'png', encode: (image) => image.png() },
  'image/webp': { extension: 'webp', encode: (image) => image.webp({ quality: 90 }) },
};

export interface EncodedImage {
  data: Buffer;
  contentType: string;
  extension: ObjectExtension;
  width: number;
  height: number;
}

/** What check() found: the sniffed type, and the size once turned upright from its EXIF orientation. */
export interface CheckedImage {
  contentType: string;
  width: number;
  height: number;
  /** Upright, and without EXIF, ICC, XMP, IPTC or text chunks: the bytes as they are reveal nothing a re-encode would strip. */
  bare: boolean;
}

/** Pixels we made from a checked image (the product stage's composite), 8 bits per channel. */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** An image to check or prepare: in memory, or an upload spooled to a file (decoded from the file). */
export type ImageInput = Buffer | SpooledFile;

function sharpInput(input: ImageInput): Buffer | string {
  return input instanceof SpooledFile ? input.path : input;
}

export interface PreparedImage {
  /** The upload decoded, turned upright and re-encoded in its own format, without any metadata. */
  image: EncodedImage;
  /** WebP, THUMBNAIL_LONG_SIDE pixels on the long side at most. */
  thumbnail: EncodedImage;
}

/**
 * Turns an untrusted upload into images safe to store and serve. The type is sniffed from the bytes (the
 * client's Content-Type and file name are never consulted); the header's dimensions are checked before
 * any pixel is decoded; decoding stops on any warning; the output carries no EXIF, GPS or ICC data.
 */
export class ImagePipeline {
  /** `slots`: the process's image-job slots (MediaModule shares one instance with background removal). */
  constructor(
    private readonly maxInputPixels: number = DEFAULT_MAX_INPUT_PIXELS,
    private readonly slots: ProcessingSlots = new ProcessingSlots(DEFAULT_IMAGE_JOBS),
  ) {}

  private readonly smallImageSlots = new ProcessingSlots(SMALL_IMAGE_JOBS);

  /**
   * Refusals (type, header) are immediate; decoding and encoding wait for a free processing slot. Later
   * jobs on the image answered (background removal) keep this upload's place in line.
   */
  async prepare(upload: ImageInput): Promise<PreparedImage> {
    return this.prepareChecked(upload, await this.check(upload));
  }

  /** prepare() for an image check() has passed. */
  async prepareChecked(upload: ImageInput, { contentType, width, height }: CheckedImage): Promise<PreparedImage> {
    const source = sharp(sharpInput(upload), {
      failOn: 'warning',
      limitInputPixels: this.maxInputPixels,
      autoOrient: true,
    });
    const prepared = await this.slotsFor(width * height).run(() => this.encode(source, contentType), upload);
    this.slots.follows(prepared.image.data, upload);
    return prepared;
  }

  /**
   * A render as it came, when check() found it bare (renders from providers usually are), with its
   * thumbnail; otherwise prepare(). The thumbnail's strict decode reads every byte of the image, so a
   * truncated or corrupt render is refused as prepare() refuses it; skipping the re-encode saves about two
   * thirds of the work of keeping a render.
   */
  async prepareRender(render: Buffer, checked: CheckedImage): Promise<PreparedImage> {
    if (!checked.bare) return this.prepareChecked(render, checked);
    const { contentType, width, height } = checked;
    const source = sharp(render, { failOn: 'warning', limitInputPixels: this.maxInputPixels });
    const thumbnail = await this.slotsFor(width * height).run(
      () =>
        encodeThumbnail(source).catch((error: unknown) => {
          throw unreadableImage(error);
        }),
      render,
    );
    const { extension } = ACCEPTED_TYPES[contentType];
    return { image: { data: render, contentType, extension, width, height }, thumbnail };
  }

  /**
   * The refusals of prepare() alone (type sniffed, header's pixel bound), for images that are read before
   * they are kept, or not kept at all.
   */
  async check(upload: ImageInput): Promise<CheckedImage> {
    const contentType = await this.sniffAcceptedType(upload);
    return { contentType, ...(await this.checkHeader(upload)) };
  }

  /**
   * Encodes pixels made from a checked image as prepare() encodes an upload: in `contentType`, with its
   * thumbnail. Saves decoding and re-encoding twice when an edit follows the check.
   */
  prepareEdited(pixels: RawImage, contentType: string): Promise<PreparedImage> {
    const { data, width, height, channels } = pixels;
    const source = sharp(data, { raw: { width, height, channels } });
    return this.slotsFor(width * height).run(() => this.encode(source, contentType), data);
  }

  private slotsFor(pixels: number): ProcessingSlots {
    return pixels <= SMALL_IMAGE_PIXELS ? this.smallImageSlots : this.slots;
  }

  private async encode(upright: Sharp, contentType: string): Promise<PreparedImage> {
    const { extension, encode } = ACCEPTED_TYPES[contentType];
    try {
      const [image, thumbnail] = await Promise.all([
        encode(upright.clone()).toBuffer({ resolveWithObject: true }),
        encodeThumbnail(upright.clone()),
      ]);
      return {
        image: { data: image.data, contentType, extension, width: image.info.width, height: image.info.height },
        thumbnail,
      };
    } catch (error) {
      throw unreadableImage(error);
    }
  }

  private async sniffAcceptedType(upload: ImageInput): Promise<string> {
    const detected = await (upload instanceof SpooledFile ? fileTypeFromFile(upload.path) : fileTypeFromBuffer(upload));
    if (detected && detected.mime in ACCEPTED_TYPES) return detected.mime;
    throw new ProblemException(
      415,
      ProblemCode.UnsupportedMediaType,
      `Only JPEG, PNG and WebP images are accepted; the file's content is ${detected ? detected.mime : 'not an image of a known type'}.`,
    );
  }

  /** Reads only the header, so a small file declaring a huge canvas is refused before any allocation; answers its upright size. */
  private async checkHeader(upload: ImageInput): Promise<Omit<CheckedImage, 'contentType'>> {
    // metadata() decodes no pixels; sharp's own limit is lifted here only to report the real dimensions.
    const metadata = await sharp(sharpInput(upload), { failOn: 'warning', limitInputPixels: false })
      .metadata()
      .catch((error: unknown) => {
        throw unreadableImage(error);
      });
    const pixels = (metadata.width ?? 0) * (metadata.height ?? 0);
    if (pixels === 0 || pixels > this.maxInputPixels) {
      throw new ProblemException(
        422,
        ProblemCode.UnprocessableEntity,
        `The image is ${metadata.width}x${metadata.height} pixels; at most ${this.maxInputPixels / 1_000_000} megapixels are accepted.`,
      );
    }
    if ((metadata.pages ?? 1) > 1) {
      throw new ProblemException(
        422,
        ProblemCode.UnprocessableEntity,
        'Animated or multi-page images are not accepted.',
      );
    }
    const carriesMetadata = Boolean(
      metadata.exif ?? metadata.icc ?? metadata.xmp ?? metadata.iptc ?? metadata.comments?.length,
    );
    return {
      width: metadata.autoOrient.width,
      height: metadata.autoOrient.height,
      bare: !carriesMetadata && (metadata.orientation ?? 1) === 1,
    };
  }
}

/**
 * WebP, THUMBNAIL_LONG_SIDE on the long side at most. Effort 2 of 6: a quarter less CPU than the default 4
 * for files about 2% larger, at a size where the difference cannot be seen.
 */
async function encodeThumbnail(image: Sharp): Promise<EncodedImage> {
  const { data, info } = await image
    .resize({ width: THUMBNAIL_LONG_SIDE, height: THUMBNAIL_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80, effort: 2 })
    .toBuffer({ resolveWithObject: true });
  return { data, contentType: 'image/webp', extension: 'webp', width: info.width, height: info.height };
}

function unreadableImage(error: unknown): ProblemException {
  const reason = error instanceof Error ? error.message.split('\n')[0] : 'unknown error';
  return new ProblemException(422, ProblemCode.UnprocessableEntity, `The image could not be decoded (${reason}).`);
}
