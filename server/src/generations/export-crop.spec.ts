import sharp from 'sharp';
import { EXPORT_FORMATS } from './dto/generated-pose.dto.js';
import { exportImage, exportWindow, faceBox, productBox, type Box } from './export-crop.js';
import { Joint, MISSING, type Keypoint } from '../pose-templates/skeleton/keypoints.js';
import { previewBadgeBox } from './providers/local-preview-provider.js';

const RENDER = { width: 768, height: 1024 };
const contains = (outer: Box, inner: Box) =>
  inner.left >= outer.left - 0.5 &&
  inner.top >= outer.top - 0.5 &&
  inner.left + inner.width <= outer.left + outer.width + 0.5 &&
  inner.top + inner.height <= outer.top + outer.height + 0.5;

/** A standing figure's face high in the frame, with the product low in the hand on the image's right. */
function faceKeypoints(): Keypoint[] {
  const keypoints: Keypoint[] = Array.from({ length: 18 }, () => ({ ...MISSING }));
  const set = (joint: number, x: number, y: number) =>
    (keypoints[joint] = { x: x / RENDER.width, y: y / RENDER.height, c: 1 });
  set(Joint.nose, 384, 170);
  set(Joint.rightEye, 370, 158);
  set(Joint.leftEye, 398, 158);
  set(Joint.rightShoulder, 320, 260);
  set(Joint.leftShoulder, 448, 260);
  return keypoints;
}
const PRODUCT = { x: 590 / 768, y: 690 / 1024, scale: 0.12 };

/** Pixels that are mostly red and mostly blue, counted on a quarter-size copy (so in units of 16 pixels). */
async function countRedAndBlue(image: Buffer): Promise<{ red: number; blue: number }> {
  const { width } = await sharp(image).metadata();
  const data = await sharp(image)
    .resize({ width: Math.round(width / 4), kernel: 'nearest' })
    .removeAlpha()
    .raw()
    .toBuffer();
  let [red, blue] = [0, 0];
  for (let offset = 0; offset < data.length; offset += 3) {
    if (data[offset] > 200 && data[offset + 1] < 60 && data[offset + 2] < 60) red++;
    if (data[offset] < 60 && data[offset + 1] < 60 && data[offset + 2] > 200) blue++;
  }
  return { red: red * 16, blue: blue * 16 };
}

describe('export crops', () => {
  const face = faceBox(faceKeypoints(), RENDER)!;
  const product = productBox(PRODUCT, RENDER);

  it('keeps the product and the face inside the window of every format', () => {
    for (const [format, target] of Object.entries(EXPORT_FORMATS)) {
      const window = exportWindow(RENDER, target, [product, face])!;
      expect({ format, aspect: window.width / window.height }).toEqual({
        format,
        aspect: expect.closeTo(target.width / target.height, 3) as number,
      });
      expect({ format, product: contains(window, product), face: contains(window, face) }).toEqual({
        format,
        product: true,
        face: true,
      });
    }
  });

  it("keeps a preview's PREVIEW label in frame too, in every format", () => {
    const badge = previewBadgeBox(RENDER.width, RENDER.height);
    for (const [format, target] of Object.entries(EXPORT_FORMATS)) {
      const window = exportWindow(RENDER, target, [badge, product, face])!;
      expect({ format, badge: contains(window, badge), product: contains(window, product) }).toEqual({
        format,
        badge: true,
        product: true,
      });
    }
  });

  it('crops inside the image when everything fits, and grows past it only when it must', () => {
    const story = exportWindow(RENDER, EXPORT_FORMATS['instagram-story'], [product, face])!;
    expect(story.height).toBeCloseTo(RENDER.height);
    expect(story.left).toBeGreaterThanOrEqual(0);
    expect(story.left + story.width).toBeLessThanOrEqual(RENDER.width + 0.5);
    // 1200x630 from a portrait render: the face at the top and the product low cannot share a 403 px band.
    const banner = exportWindow(RENDER, EXPORT_FORMATS['facebook-post'], [product, face])!;
    expect(banner.height).toBeGreaterThan(RENDER.width / (1200 / 630));
    expect(exportWindow(RENDER, EXPORT_FORMATS['instagram-post'], [])).toBeUndefined();
  });

  it('shows the product and the face in the exported pixels of every format', async () => {
    const productSide = Math.round(product.width);
    const faceSquare = Math.round(face.width * 0.6);
    const image = await sharp({ create: { ...RENDER, channels: 3, background: '#808080' } })
      .composite([
        {
          input: { create: { width: productSide, height: productSide, channels: 3, background: '#ff0000' } },
          left: Math.round(product.left),
          top: Math.round(product.top),
        },
        {
          input: { create: { width: faceSquare, height: faceSquare, channels: 3, background: '#0000ff' } },
          left: Math.round(384 - faceSquare / 2),
          top: Math.round(160 - faceSquare / 2),
        },
      ])
      .png()
      .toBuffer();
    const [redBefore, blueBefore] = [productSide ** 2, faceSquare ** 2];
    for (const [format, target] of Object.entries(EXPORT_FORMATS)) {
      const window = exportWindow(RENDER, target, [product, face]);
      const exported = await (await exportImage(image, target, window)).png().toBuffer();
      expect(await sharp(exported).metadata()).toMatchObject(target);
      // Every pixel of both squares survives the crop (scaled by the export's zoom).
      const zoom = (target.width / window!.width) ** 2;
      const { red, blue } = await countRedAndBlue(exported);
      expect({ format, red: red / (redBefore * zoom) > 0.85, blue: blue / (blueBefore * zoom) > 0.85 }).toEqual({
        format,
        red: true,
        blue: true,
      });
    }
  });
});
