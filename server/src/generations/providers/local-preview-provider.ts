import sharp, { type OverlayOptions } from 'sharp';
import { avatarToSend, identityOf } from './identity-reference.js';
import type { GenerateOptions, PoseImageProvider, PoseImageRequest, ProviderResult } from './pose-image-provider.js';

export const LOCAL_PREVIEW_MODEL_ID = 'lumiku/local-preview-compositor-v1';
const DEFAULT_BRAND_COLORS = ['#F3EEE7', '#D8CCBC'];
const HEX_COLOR = /^#[0-9a-f]{6}$/i;
/** Sizes relative to the shorter canvas side, so previews look alike at any resolution. */
const AVATAR_SIDE = 0.26;
const PRODUCT_SIDE = 0.24;
const MARGIN = 0.04;
/** Where the product sits when the pose names no placement: beside the figure, at hand height. */
const DEFAULT_PRODUCT_POSITION = { x: 0.72, y: 0.62 };

/**
 * An honest offline stand-in for a model render, used when no provider is configured: the brand gradient,
 * the skeleton as the figure, the product cutout at its placement point, the avatar as a portrait inset (when the
 * generation asked for identity), and a PREVIEW label. No randomness and no clock, so the same request always gives the same bytes.
 */
export class LocalPreviewProvider implements PoseImageProvider {
  readonly name = 'local-preview' as const;

  async generate(request: PoseImageRequest, { signal }: GenerateOptions): Promise<ProviderResult> {
    signal.throwIfAborted();
    const { width, height } = request;
    const unit = Math.min(width, height);
    const avatarBox = {
      left: Math.round(unit * MARGIN),
      top: Math.round(unit * MARGIN),
      side: Math.round(unit * AVATAR_SIDE),
    };
    const avatar = avatarToSend(request, true);
    const layers: OverlayOptions[] = [await figureLayer(request.controlImage, width, height)];
    if (request.productImage) layers.push(await productLayer(request, request.productImage, unit));
    if (avatar) layers.push(await avatarLayer(avatar, avatarBox));
    layers.push({ input: overlaySvg(width, height, unit, avatar ? avatarBox : undefined) });
    const image = await sharp(backgroundSvg(width, height, request.brandColors))
      .composite(layers)
      .png()
      .toBuffer();
    signal.throwIfAborted();
    return {
      image,
      contentType: 'image/png',
      provider: this.name,
      modelId: LOCAL_PREVIEW_MODEL_ID,
      seed: request.seed,
      identity: identityOf(avatar),
      isPreview: true,
    };
  }
}

interface Box {
  left: number;
  top: number;
  side: number;
}

function brandGradientStops(brandColors: string[] | undefined): string[] {
  const valid = (brandColors ?? []).filter((color) => HEX_COLOR.test(color)).slice(0, 4);
  if (valid.length === 0) return DEFAULT_BRAND_COLORS;
  // One colour alone fades into a paler tint of itself, so the background still reads as a gradient.
  return valid.length === 1 ? [valid[0], tintTowardsWhite(valid[0], 0.55)] : valid;
}

function tintTowardsWhite(hex: string, amount: number): string {
  const channels = [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16));
  return `#${channels
    .map((value) =>
      Math.round(value + (255 - value) * amount)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

function backgroundSvg(width: number, height: number, brandColors: string[] | undefined): Buffer {
  const stops = brandGradientStops(brandColors);
  const stopTags = stops
    .map((color, index) => `<stop offset="${index / (stops.length - 1)}" stop-color="${color}"/>`)
    .join('');
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<defs><linearGradient id="brand" x1="0" y1="0" x2="1" y2="1">${stopTags}</linearGradient></defs>` +
      `<rect width="100%" height="100%" fill="url(#brand)"/></svg>`,
  );
}

/** The skeleton with its black canvas made transparent (alpha from brightness), so the background shows. */
async function figureLayer(controlImage: Buffer, width: number, height: number): Promise<OverlayOptions> {
  const { data } = await sharp(controlImage)
    .resize(width, height, { fit: 'contain', background: '#000000' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const rgba = Buffer.alloc(width * height * 4);
  for (let source = 0, target = 0; source < data.length; source += 3, target += 4) {
    rgba[target] = data[source];
    rgba[target + 1] = data[source + 1];
    rgba[target + 2] = data[source + 2];
    // Doubled so the limbs, drawn at 60 % brightness, come out fully opaque.
    rgba[target + 3] = Math.min(255, 2 * Math.max(data[source], data[source + 1], data[source + 2]));
  }
  return { input: rgba, raw: { width, height, channels: 4 } };
}

/** The cutout centred on its anchor, kept wholly on the canvas. */
async function productLayer(request: PoseImageRequest, product: Buffer, unit: number): Promise<OverlayOptions> {
  const side = Math.max(1, Math.round(unit * PRODUCT_SIDE));
  const { data, info } = await sharp(product)
    .resize(side, side, { fit: 'inside' })
    .ensureAlpha()
    .png()
    .toBuffer({ resolveWithObject: true });
  const anchor = request.productAnchor ?? {
    x: request.width * DEFAULT_PRODUCT_POSITION.x,
    y: request.height * DEFAULT_PRODUCT_POSITION.y,
  };
  const clamp = (value: number, max: number) => Math.min(Math.max(Math.round(value), 0), max);
  return {
    input: data,
    left: clamp(anchor.x - info.width / 2, request.width - info.width),
    top: clamp(anchor.y - info.height / 2, request.height - info.height),
  };
}

function cornerRadius(box: Box): number {
  return Math.round(box.side * 0.16);
}

/** The avatar cropped square around its most salient region, with rounded corners. */
async function avatarLayer(avatar: Buffer, box: Box): Promise<OverlayOptions> {
  const radius = cornerRadius(box);
  const roundedMask = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${box.side}" height="${box.side}">` +
      `<rect width="${box.side}" height="${box.side}" rx="${radius}" ry="${radius}" fill="#fff"/></svg>`,
  );
  const portrait = await sharp(avatar)
    .resize(box.side, box.side, { fit: 'cover', position: sharp.strategy.attention })
    .ensureAlpha()
    .composite([{ input: roundedMask, blend: 'dest-in' }])
    .png()
    .toBuffer();
  return { input: portrait, left: box.left, top: box.top };
}

/** Where the PREVIEW label sits on a preview of this size, in pixels; exports keep it in frame. */
export function previewBadgeBox(width: number, height: number) {
  const unit = Math.min(width, height);
  const fontSize = Math.max(10, Math.round(unit * 0.05));
  const labelWidth = Math.round(fontSize * 6.6);
  const labelHeight = Math.round(fontSize * 1.7);
  return {
    left: width - labelWidth - Math.round(unit * MARGIN),
    top: height - labelHeight - Math.round(unit * MARGIN),
    width: labelWidth,
    height: labelHeight,
    fontSize,
  };
}

/** The avatar's frame and the PREVIEW label, drawn over everything else. */
function overlaySvg(width: number, height: number, unit: number, avatarBox: Box | undefined): Buffer {
  const {
    fontSize,
    width: labelWidth,
    height: labelHeight,
    left: labelLeft,
    top: labelTop,
  } = previewBadgeBox(width, height);
  const frame = avatarBox
    ? `<rect x="${avatarBox.left}" y="${avatarBox.top}" width="${avatarBox.side}" height="${avatarBox.side}" ` +
      `rx="${cornerRadius(avatarBox)}" fill="none" stroke="#ffffff" stroke-width="${Math.max(2, Math.round(unit * 0.008))}"/>`
    : '';
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${frame}` +
      `<rect x="${labelLeft}" y="${labelTop}" width="${labelWidth}" height="${labelHeight}" rx="${Math.round(labelHeight / 2)}" fill="#000000" fill-opacity="0.6"/>` +
      `<text x="${labelLeft + labelWidth / 2}" y="${labelTop + labelHeight / 2}" font-family="DejaVu Sans, sans-serif" font-size="${fontSize}" ` +
      `font-weight="bold" letter-spacing="${Math.round(fontSize * 0.08)}" fill="#ffffff" text-anchor="middle" dominant-baseline="central">PREVIEW</text></svg>`,
  );
}
