import sharp from 'sharp';
import type { BackgroundRemovalMethod, Cutout } from './background-remover.js';

/** One byte per pixel: 255 object, 0 background, values between on feathered edges. */
export interface AlphaMask {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Scales the mask to the image (a smooth resize, so edges stay soft) and makes it the image's alpha. */
export async function applyAlphaMask(image: Buffer, mask: AlphaMask, method: BackgroundRemovalMethod): Promise<Cutout> {
  const { width, height } = await sharp(image).metadata();
  const alpha = await sharp(mask.data, { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  // Decoded first, as three channels even for a greyscale photo: sharp would apply removeAlpha() after
  // joinChannel() within one pipeline.
  const rgb = await sharp(image).removeAlpha().toColourspace('srgb').raw().toBuffer();
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
  return { png, width, height, method };
}
