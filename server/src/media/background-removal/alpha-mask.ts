import sharp from 'sharp';
import { DECODE_LIMITS } from '../image-pipeline.js';
import type { BackgroundRemovalMethod, Cutout } from './background-remover.js';

/** One byte per pixel: 255 object, 0 background, values between on feathered edges. */
export interface AlphaMask {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Scales the mask to the image (a smooth resize, so edges stay soft) and makes it the image's alpha. Both
 * steps are libvips pipelines that stream rows from decoder to encoder: the photo's pixels are never held
 * whole, neither in JS nor in libvips, which is what bounds a 27 MP cutout's memory.
 */
export async function applyAlphaMask(image: Buffer, mask: AlphaMask, method: BackgroundRemovalMethod): Promise<Cutout> {
  const { width, height } = await sharp(image, DECODE_LIMITS).metadata();
  // A transparent PNG whose alpha is the mask (grey plus alpha); it compresses to little even at full size.
  const greyAlpha = new Uint8Array(mask.width * mask.height * 2);
  for (let index = 0; index < mask.data.length; index++) greyAlpha[index * 2 + 1] = mask.data[index];
  const scaledMask = await sharp(greyAlpha, { raw: { width: mask.width, height: mask.height, channels: 2 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .png({ compressionLevel: 1 })
    .toBuffer();
  // dest-in keeps the photo's colour wherever the mask is opaque (an input alpha is kept within the mask);
  // greyscale photos come out as RGBA too.
  const png = await sharp(image, DECODE_LIMITS)
    .toColourspace('srgb')
    .ensureAlpha()
    .composite([{ input: scaledMask, blend: 'dest-in' }])
    .png()
    .toBuffer();
  return { png, width, height, method };
}
