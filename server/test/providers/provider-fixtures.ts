import sharp from 'sharp';
import type { PoseImageRequest } from '../../src/generations/providers/pose-image-provider.js';
import type { Delay } from '../../src/generations/providers/provider-chain.js';

/** An OpenPose-style control image: black canvas, a few limbs in the standard colours, joints as dots. */
export async function skeletonPng(width = 512, height = 768): Promise<Buffer> {
  const x = (fraction: number) => Math.round(width * fraction);
  const y = (fraction: number) => Math.round(height * fraction);
  const limb = (x1: number, y1: number, x2: number, y2: number, color: string) =>
    `<line x1="${x(x1)}" y1="${y(y1)}" x2="${x(x2)}" y2="${y(y2)}" stroke="${color}" stroke-width="8" stroke-opacity="0.6"/>`;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="#000"/>` +
    limb(0.5, 0.2, 0.5, 0.5, '#0000ff') +
    limb(0.5, 0.25, 0.3, 0.4, '#ff0000') +
    limb(0.5, 0.25, 0.7, 0.4, '#ffaa00') +
    limb(0.5, 0.5, 0.4, 0.85, '#00ff00') +
    limb(0.5, 0.5, 0.6, 0.85, '#00ffff') +
    `<circle cx="${x(0.5)}" cy="${y(0.15)}" r="6" fill="#ff0000"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A stand-in model render: what the provider test servers answer with. */
export function renderedPng(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 96, channels: 3, background: '#c08060' } })
    .png()
    .toBuffer();
}

export function renderedJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 96, channels: 3, background: '#6080c0' } })
    .jpeg()
    .toBuffer();
}

/** A product photo with its background removed: an opaque magenta disc on transparency. */
export function productCutoutPng(): Promise<Buffer> {
  return sharp(
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><circle cx="100" cy="100" r="90" fill="#ff00ff"/></svg>',
    ),
  )
    .png()
    .toBuffer();
}

/** An avatar photo: a plain green portrait. */
export function avatarJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 300, height: 400, channels: 3, background: '#20a040' } })
    .jpeg()
    .toBuffer();
}

/** Checks that a base64 string (or a data URI) sent to a provider is avatarJpeg's portrait: a green 3:4 JPEG. */
export async function expectAvatarJpeg(sent: string): Promise<void> {
  const bytes = Buffer.from(sent.replace(/^data:image\/jpeg;base64,/, ''), 'base64');
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  expect((await sharp(bytes).metadata()).format).toBe('jpeg');
  expect([info.width, info.height]).toEqual([300, 400]);
  const centre = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels;
  const [red, green, blue] = [data[centre], data[centre + 1], data[centre + 2]];
  expect(Math.abs(red - 0x20) + Math.abs(green - 0xa0) + Math.abs(blue - 0x40)).toBeLessThan(24);
}

export async function poseRequest(overrides: Partial<PoseImageRequest> = {}): Promise<PoseImageRequest> {
  return {
    controlImage: await skeletonPng(),
    prompt: 'a model holding Glow Serum 30ml, soft studio light, brand colours teal and sand',
    negativePrompt: 'blurry, extra limbs',
    seed: 424242,
    width: 512,
    height: 768,
    identity: 'none',
    ...overrides,
  };
}

/** A Delay that records what the chain asked for and returns at once, so tests never sleep through backoff. */
export function recordingDelay(): { delay: Delay; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    delay: (ms, signal) => {
      signal?.throwIfAborted();
      waits.push(ms);
      return Promise.resolve();
    },
  };
}

/** Resolves once `condition` holds, checking every few milliseconds (for "the server has seen the request"). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** What `promise` rejects with; fails the test if it resolves instead. */
export async function rejectionOf<E = unknown>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('Expected the promise to reject, but it resolved.');
}
