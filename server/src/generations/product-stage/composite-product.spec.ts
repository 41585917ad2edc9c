import sharp from 'sharp';
import { describeWithPersonPhotos, singlePersonPhoto } from '../../../test/generations/person-photo-fixture.js';
import type { RawImage } from '../../media/image-pipeline.js';
import { Joint, MISSING, type Keypoint } from '../../pose-templates/skeleton/keypoints.js';
import { compositeProductOnRender, lightMatch } from './composite-product.js';
import { placeProduct } from './product-placement.js';
import { productSizeInShoulderWidths } from './product-sizes.js';

/** An amber bottle cut out on transparency, taller than wide. */
async function bottleCutout(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="300">
    <rect x="20" y="60" width="80" height="230" rx="18" fill="#c77d0a"/><rect x="45" y="10" width="30" height="55" fill="#c77d0a"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The composite's pixels as a PNG, lossless, so the comparison sees exactly what was composited. */
function pngOf({ data, width, height, channels }: RawImage): Promise<Buffer> {
  return sharp(data, { raw: { width, height, channels } }).png().toBuffer();
}

async function rgbOf(image: Buffer) {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Pixels inside a box around (x, y) that differ from the other image by more than a little. */
function changedShare(
  before: { data: Buffer; width: number },
  after: { data: Buffer },
  centre: { x: number; y: number },
  half: number,
): number {
  let changed = 0;
  let total = 0;
  for (let y = Math.round(centre.y - half); y <= Math.round(centre.y + half); y++) {
    for (let x = Math.round(centre.x - half); x <= Math.round(centre.x + half); x++) {
      const offset = (y * before.width + x) * 3;
      const difference = [0, 1, 2].reduce(
        (sum, channel) => sum + Math.abs(before.data[offset + channel] - after.data[offset + channel]),
        0,
      );
      if (difference > 30) changed++;
      total++;
    }
  }
  return changed / total;
}

const pixel = (keypoint: Keypoint, width: number, height: number) => ({
  x: keypoint.x * width,
  y: keypoint.y * height,
});

describeWithPersonPhotos('compositeProductOnRender on a real photo', () => {
  it('puts a hand-held bottle at the detected right hand, visibly, sized from the shoulders', async () => {
    const photo = await singlePersonPhoto();
    const cutout = await bottleCutout();
    // The asked skeleton is somewhere else entirely, so a detected placement cannot be a coincidence.
    const requested = photo.keypoints.map((keypoint) =>
      keypoint.c > 0 ? { x: 1 - keypoint.x, y: keypoint.y, c: 1 } : { ...MISSING },
    );
    const { pixels, placement } = await compositeProductOnRender({
      image: photo.image,
      cutout,
      productType: 'serum bottle',
      placement: 'hand-right',
      detected: photo.keypoints,
      requested,
    });
    expect(placement.source).toBe('detected');
    expect(pixels).toMatchObject({ width: photo.width, height: photo.height, channels: 3 });
    const image = await pngOf(pixels);

    const wrist = pixel(photo.keypoints[Joint.rightWrist], photo.width, photo.height);
    const shoulderWidth = Math.hypot(
      (photo.keypoints[Joint.rightShoulder].x - photo.keypoints[Joint.leftShoulder].x) * photo.width,
      (photo.keypoints[Joint.rightShoulder].y - photo.keypoints[Joint.leftShoulder].y) * photo.height,
    );
    const centre = { x: placement.x * photo.width, y: placement.y * photo.height };
    expect(Math.hypot(centre.x - wrist.x, centre.y - wrist.y)).toBeLessThan(shoulderWidth / 2);
    // serum: 0.3 body scales long (product-sizes.ts); the scale is the shoulder width or, if larger, the torso's estimate.
    const productLength = placement.scale * photo.width;
    expect(productLength).toBeGreaterThanOrEqual(0.3 * shoulderWidth - 1);
    expect(productLength).toBeLessThan(0.3 * shoulderWidth * 1.6);

    const [before, after] = await Promise.all([rgbOf(photo.image), rgbOf(image)]);
    // A square well inside the bottle's body (it is 0.4 of its length wide).
    const inside = productLength * 0.12;
    expect(changedShare(before, after, centre, inside)).toBeGreaterThan(0.8);
    // Far from the product the photo is untouched.
    expect(changedShare(before, after, { x: photo.width - 30, y: 30 }, 10)).toBe(0);
  });

  it('falls back to the asked skeleton when the detector found nobody, and says so', async () => {
    const photo = await singlePersonPhoto();
    const { pixels, placement } = await compositeProductOnRender({
      image: photo.image,
      cutout: await bottleCutout(),
      productType: 'bottle',
      placement: 'hand-left',
      requested: photo.keypoints,
    });
    expect(placement.source).toBe('requested');
    const wrist = pixel(photo.keypoints[Joint.leftWrist], photo.width, photo.height);
    const centre = { x: placement.x * photo.width, y: placement.y * photo.height };
    expect(Math.hypot(centre.x - wrist.x, centre.y - wrist.y)).toBeLessThan(40);
    const [before, after] = await Promise.all([rgbOf(photo.image), rgbOf(await pngOf(pixels))]);
    expect(changedShare(before, after, centre, 5)).toBeGreaterThan(0.8);
  });
});

describe('placeProduct', () => {
  const size = { width: 600, height: 800 };
  /** A front-facing figure in pixels of a 600x800 image: shoulders 120 px apart, right forearm pointing down-right. */
  const figure = (): Keypoint[] => {
    const keypoints: Keypoint[] = Array.from({ length: 18 }, () => ({ ...MISSING }));
    const set = (joint: number, x: number, y: number) => (keypoints[joint] = { x: x / 600, y: y / 800, c: 1 });
    set(Joint.nose, 300, 150);
    set(Joint.neck, 300, 220);
    set(Joint.rightShoulder, 240, 220);
    set(Joint.leftShoulder, 360, 220);
    set(Joint.rightElbow, 220, 320);
    set(Joint.rightWrist, 260, 400);
    set(Joint.leftElbow, 380, 320);
    set(Joint.leftWrist, 380, 420);
    set(Joint.rightHip, 260, 420);
    set(Joint.leftHip, 340, 420);
    return keypoints;
  };

  it('holds it a little beyond the wrist along the forearm, tilted with it', () => {
    const { pixels, placement } = placeProduct({
      ...size,
      placement: 'hand-right',
      productType: null,
      detected: figure(),
      requested: figure(),
    });
    // wrist (260, 400) + 0.3 x forearm (40, 80)
    expect(pixels.centre.x).toBeCloseTo(272);
    expect(pixels.centre.y).toBeCloseTo(424);
    // forearm points down and to the image's right: the product's bottom swings right, a counter-clockwise turn.
    expect(placement.rotation).toBeCloseTo(-26.6, 1);
    // The torso (200 px x 0.62) outweighs the 120 px shoulders as the body's scale.
    expect(pixels.size).toBeCloseTo(124 * 0.4);
  });

  it('wears it on the chest and holds near-face products beside the cheek', () => {
    const worn = placeProduct({ ...size, placement: 'worn', productType: 'dress', requested: figure() });
    expect(worn.pixels.centre).toEqual({ x: 300, y: 300 });
    expect(worn.placement.rotation).toBeCloseTo(0);
    const face = placeProduct({ ...size, placement: 'near-face', productType: 'lipstick', requested: figure() });
    // The right wrist is the higher one; the person's right is the image's left here.
    expect(face.pixels.centre.x).toBeLessThan(300);
    expect(face.pixels.centre.y).toBeGreaterThan(150);
  });

  it('uses the requested skeleton when the detection lacks the joints the placement needs', () => {
    const detected = figure();
    detected[Joint.leftWrist] = { ...MISSING };
    const { placement } = placeProduct({
      ...size,
      placement: 'hand-left',
      productType: null,
      detected,
      requested: figure(),
    });
    expect(placement.source).toBe('requested');
  });
});

describe('product sizes and light matching', () => {
  it('reads the size from the type, else the placement', () => {
    expect(productSizeInShoulderWidths('Serum bottle', 'hand-right')).toBe(0.3);
    expect(productSizeInShoulderWidths('tote bags', 'hand-right')).toBe(1);
    expect(productSizeInShoulderWidths('gadget', 'worn')).toBe(1.2);
    expect(productSizeInShoulderWidths(null, 'unknown')).toBe(0.4);
  });

  it('moves brightness toward the surroundings within bounds', () => {
    expect(lightMatch(100, 100)).toBe(1);
    expect(lightMatch(60, 100)).toBeLessThan(1);
    expect(lightMatch(0, 255)).toBe(0.7);
    expect(lightMatch(255, 10)).toBe(1.3);
  });
});
