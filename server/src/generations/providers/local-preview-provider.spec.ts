import sharp from 'sharp';
import { avatarJpeg, poseRequest, productCutoutPng, skeletonPng } from '../../../test/providers/provider-fixtures.js';
import { LOCAL_PREVIEW_MODEL_ID, LocalPreviewProvider } from './local-preview-provider.js';
import type { PoseImageRequest } from './pose-image-provider.js';

async function pixelAt(png: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * 3;
  return [data[offset], data[offset + 1], data[offset + 2]];
}

function near(actual: number[], expected: number[], tolerance: number): boolean {
  return actual.every((value, index) => Math.abs(value - expected[index]) <= tolerance);
}

describe('LocalPreviewProvider', () => {
  const provider = new LocalPreviewProvider();
  const signal = new AbortController().signal;
  let request: PoseImageRequest;

  beforeAll(async () => {
    request = await poseRequest({
      identity: 'avatar',
      avatarImage: await avatarJpeg(),
      productImage: await productCutoutPng(),
      productAnchor: { x: 120, y: 600 },
      brandColors: ['#008080', '#E0C9A6'],
    });
  });

  it('renders a PNG of the requested size, labelled as a preview', async () => {
    const result = await provider.generate(request, { signal });

    const metadata = await sharp(result.image).metadata();
    expect(metadata).toMatchObject({ format: 'png', width: 512, height: 768 });
    expect(result).toMatchObject({
      contentType: 'image/png',
      provider: 'local-preview',
      modelId: LOCAL_PREVIEW_MODEL_ID,
      seed: request.seed,
      identity: 'avatar',
      isPreview: true,
    });
  });

  it('leaves the avatar out, and says so, when the generation asked for no identity', async () => {
    const result = await provider.generate({ ...request, identity: 'none' }, { signal });

    expect(result.identity).toBe('none');
    // Where the green avatar inset would be, the brand background shows through.
    expect(near(await pixelAt(result.image, 86, 86), [0x20, 0xa0, 0x40], 16)).toBe(false);
  });

  it('gives the same bytes for the same request, and different bytes for another pose', async () => {
    const first = await provider.generate(request, { signal });
    const second = await provider.generate({ ...request }, { signal });
    expect(second.image.equals(first.image)).toBe(true);

    const otherPose = await provider.generate({ ...request, controlImage: await skeletonPng(512, 700) }, { signal });
    expect(otherPose.image.equals(first.image)).toBe(false);
  });

  it('draws the brand background, the skeleton, the product at its anchor, the avatar and the label', async () => {
    const { image } = await provider.generate(request, { signal });

    // Top-left corner, outside the avatar inset: the first brand colour.
    expect(near(await pixelAt(image, 2, 2), [0x00, 0x80, 0x80], 12)).toBe(true);
    // The blue spine of the skeleton (60 % blue over transparency made opaque).
    const [red, green, blue] = await pixelAt(image, 256, 270);
    expect(blue).toBeGreaterThan(120);
    expect(Math.max(red, green)).toBeLessThan(40);
    // The magenta product disc, centred on its anchor.
    expect(near(await pixelAt(image, 120, 600), [0xff, 0x00, 0xff], 8)).toBe(true);
    // The green avatar in the inset: margin 20 px, side 133 px.
    expect(near(await pixelAt(image, 86, 86), [0x20, 0xa0, 0x40], 16)).toBe(true);
    // The dark PREVIEW pill in the bottom-right corner.
    const label = await pixelAt(image, 328, 726);
    expect(Math.max(...label)).toBeLessThan(110);
  });

  it('keeps a product anchored at the edge wholly on the canvas', async () => {
    const { image } = await provider.generate({ ...request, productAnchor: { x: 512, y: 0 } }, { signal });
    // The disc (123 px) is pushed inside: its centre lands at (450, 61).
    expect(near(await pixelAt(image, 450, 61), [0xff, 0x00, 0xff], 8)).toBe(true);
  });

  it('works with only a control image, fitting one of another size without stretching', async () => {
    const bare: PoseImageRequest = { ...(await poseRequest()), controlImage: await skeletonPng(256, 256) };
    const { image } = await provider.generate(bare, { signal });
    expect(await sharp(image).metadata()).toMatchObject({ width: 512, height: 768 });
  });

  it('refuses to start once aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(provider.generate(request, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
