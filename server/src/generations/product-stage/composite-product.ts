import sharp from 'sharp';
import { DECODE_LIMITS, type RawImage } from '../../media/image-pipeline.js';
import type { Keypoint } from '../../pose-templates/skeleton/keypoints.js';
import { placeProduct, type ProductPlacement } from './product-placement.js';

export interface ProductCompositeInput {
  /** The render: PNG, JPEG or WebP, as the provider sent it (checked, not yet decoded). */
  image: Buffer;
  /** The product cut out of its background: a PNG with alpha. */
  cutout: Buffer | PreparedCutout;
  productType: string | null | undefined;
  /** The product's placement, else the template's: hand-left, hand-right, both-hands, near-face, worn. */
  placement: string;
  /** The detector's 18 keypoints on this render (normalised 0..1 to it), when it found a person. */
  detected?: readonly Keypoint[];
  /** The asked skeleton mapped onto the output (poseOnOutput), normalised 0..1 to it. */
  requested: readonly Keypoint[];
}

export interface ProductCompositeResult {
  /** The render upright with the product on it, with an alpha channel only if the render had one. */
  pixels: RawImage;
  placement: ProductPlacement;
}

/** A cutout trimmed to its opaque pixels, with its mean luminance over them; prepare once per product. */
export interface PreparedCutout {
  png: Buffer;
  width: number;
  height: number;
  luminance: number;
}

/** Pixels at least this opaque are the product (its feathered edge mixes in the old background). */
const OPAQUE = 128;
/**
 * Light matching moves the product's mean luminance this share of the way (in log terms) toward the
 * surrounding region's, within the bounds: enough to sit in a dim or bright scene, not enough to
 * repaint the product's colour.
 */
const LIGHT_MATCH_STRENGTH = 0.5;
const MIN_BRIGHTNESS = 0.7;
const MAX_BRIGHTNESS = 1.3;
/** The region read for the light: a square of this many product sizes around the placement point. */
const LIGHT_REGION = 2.5;
/** Contact shadow: the silhouette, blurred, darkened and dropped slightly below the product. */
const SHADOW_OPACITY = 0.45;
const SHADOW_BLUR = 0.06;
const SHADOW_DROP = 0.04;
const TRANSPARENT = { r: 0, g: 0, b: 0, alpha: 0 };

const luminanceOf = (red: number, green: number, blue: number) => 0.2126 * red + 0.7152 * green + 0.0722 * blue;

/** Trims the cutout to its opaque pixels and measures their luminance. */
export async function prepareCutout(cutout: Buffer): Promise<PreparedCutout> {
  const { data, info } = await sharp(cutout, DECODE_LIMITS).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  let [left, top, right, bottom] = [info.width, info.height, -1, -1];
  let luminanceSum = 0;
  let opaque = 0;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const offset = (y * info.width + x) * 4;
      if (data[offset + 3] < OPAQUE) continue;
      [left, top, right, bottom] = [Math.min(left, x), Math.min(top, y), Math.max(right, x), Math.max(bottom, y)];
      luminanceSum += luminanceOf(data[offset], data[offset + 1], data[offset + 2]);
      opaque++;
    }
  }
  // A cutout with nothing opaque (background removal failed badly) is used whole.
  const box =
    opaque === 0
      ? { left: 0, top: 0, width: info.width, height: info.height }
      : { left, top, width: right - left + 1, height: bottom - top + 1 };
  const png = await sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } })
    .extract(box)
    .png()
    .toBuffer();
  return { png, width: box.width, height: box.height, luminance: opaque === 0 ? 128 : luminanceSum / opaque };
}

/**
 * The product stage after a hosted render: the cutout composited where the placement names (hand, face or
 * chest, from the detected keypoints, else the asked skeleton), sized from the shoulder width and the
 * product type, tilted with the forearm, lit like its surroundings and grounded by a soft contact shadow.
 * Answers the composited pixels, for the image pipeline to encode, and where the product went.
 */
export async function compositeProductOnRender(input: ProductCompositeInput): Promise<ProductCompositeResult> {
  const cutout = Buffer.isBuffer(input.cutout) ? await prepareCutout(input.cutout) : input.cutout;
  // Decoded once: the same pixels are read for the light and are the base of the composite.
  const render = await sharp(input.image, { ...DECODE_LIMITS, failOn: 'warning', autoOrient: true })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = render.info;
  const channels = render.info.channels === 4 ? 4 : 3;
  const { pixels, placement } = placeProduct({ ...input, width, height });

  const longSide = Math.max(2, Math.round(pixels.size));
  const aspect = cutout.width / cutout.height;
  const [productWidth, productHeight] =
    aspect >= 1
      ? [longSide, Math.max(1, Math.round(longSide / aspect))]
      : [Math.max(1, Math.round(longSide * aspect)), longSide];
  const brightness = lightMatch(
    regionLuminance(render.data, { width, height, channels }, pixels.centre, longSide * LIGHT_REGION),
    cutout.luminance,
  );
  const product = await sharp(cutout.png, DECODE_LIMITS)
    .resize(productWidth, productHeight, { fit: 'fill' })
    .modulate({ brightness })
    .rotate(pixels.rotation, { background: TRANSPARENT })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const productImage = { width: product.info.width, height: product.info.height, channels: 4 as const };
  const shadow = await contactShadow(product.data, productImage, longSide);

  const left = Math.round(pixels.centre.x - productImage.width / 2);
  const top = Math.round(pixels.centre.y - productImage.height / 2);
  const composited = sharp(render.data, { raw: { width, height, channels } }).composite([
    {
      input: shadow.data,
      raw: { width: shadow.width, height: shadow.height, channels: 4 },
      left: left - shadow.pad,
      top: top - shadow.pad + Math.round(longSide * SHADOW_DROP),
    },
    { input: product.data, raw: productImage, left, top },
  ]);
  const { data } = await (channels === 4 ? composited : composited.removeAlpha())
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { pixels: { data, width, height, channels }, placement };
}

/** Mean luminance of the render in a square around `centre`, clipped to the image. */
function regionLuminance(
  pixels: Buffer,
  { width, height, channels }: { width: number; height: number; channels: number },
  centre: { x: number; y: number },
  side: number,
): number {
  const half = side / 2;
  const [x0, x1] = [Math.max(0, Math.floor(centre.x - half)), Math.min(width, Math.ceil(centre.x + half))];
  const [y0, y1] = [Math.max(0, Math.floor(centre.y - half)), Math.min(height, Math.ceil(centre.y + half))];
  let sum = 0;
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const offset = (y * width + x) * channels;
      sum += luminanceOf(pixels[offset], pixels[offset + 1], pixels[offset + 2]);
      count++;
    }
  }
  return count === 0 ? 128 : sum / count;
}

/** The brightness multiplier that moves the product part of the way toward the region's light. */
export function lightMatch(regionLuminance: number, productLuminance: number): number {
  const ratio = Math.max(1, regionLuminance) / Math.max(1, productLuminance);
  return Math.min(MAX_BRIGHTNESS, Math.max(MIN_BRIGHTNESS, ratio ** LIGHT_MATCH_STRENGTH));
}

/** The product's silhouette in translucent black, blurred, as raw RGBA; padded so the blur is not clipped. */
async function contactShadow(
  productPixels: Buffer,
  product: { width: number; height: number; channels: 4 },
  longSide: number,
): Promise<{ data: Buffer; width: number; height: number; pad: number }> {
  const sigma = Math.max(0.5, longSide * SHADOW_BLUR);
  const pad = Math.ceil(sigma * 3);
  const alpha = await sharp(productPixels, { raw: product })
    .extractChannel('alpha')
    .extend({ top: pad, bottom: pad, left: pad, right: pad, background: TRANSPARENT })
    .blur(sigma)
    .linear(SHADOW_OPACITY, 0)
    .raw()
    .toBuffer();
  const [width, height] = [product.width + 2 * pad, product.height + 2 * pad];
  const data = Buffer.alloc(width * height * 4);
  for (let index = 0; index < alpha.length; index++) data[index * 4 + 3] = alpha[index];
  return { data, width, height, pad };
}
