import sharp from 'sharp';
import { controlImageSize, renderControlImage } from './control-image.js';
import { Joint, LIMBS, MISSING, POSE_COLORS, type Keypoint, type Pose } from '../skeleton/keypoints.js';

/** A portrait (400x800) figure with well separated limbs, in pixels of its canvas. */
const FIGURE_PIXELS: Array<[number, number]> = [
  [200, 120],
  [200, 220],
  [120, 230],
  [80, 360],
  [60, 480],
  [280, 230],
  [320, 360],
  [340, 480],
  [150, 450],
  [140, 600],
  [130, 740],
  [250, 450],
  [260, 600],
  [270, 740],
  [175, 95],
  [225, 95],
  [140, 110],
  [260, 110],
];
const PORTRAIT_POSE: Pose = {
  canvas: { width: 400, height: 800 },
  keypoints: FIGURE_PIXELS.map(([x, y]) => ({ x: x / 400, y: y / 800, c: 1 })),
};

async function decode(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return {
    width: info.width,
    height: info.height,
    at: (x: number, y: number) => {
      const offset = (Math.trunc(y) * info.width + Math.trunc(x)) * 3;
      return [data[offset], data[offset + 1], data[offset + 2]];
    },
    /** Centre of the pixels painted in exactly this colour (a joint's disc). */
    centreOf: (color: readonly number[]) => {
      let [sumX, sumY, count] = [0, 0, 0];
      for (let offset = 0; offset < data.length; offset += 3) {
        if (data[offset] === color[0] && data[offset + 1] === color[1] && data[offset + 2] === color[2]) {
          sumX += (offset / 3) % info.width;
          sumY += Math.floor(offset / 3 / info.width);
          count++;
        }
      }
      return { x: sumX / count, y: sumY / count, count };
    },
  };
}

/** Where a joint of the test pose lands: uniform scale, centred. */
function expectedPosition(keypoint: Keypoint, width: number, height: number) {
  const scale = Math.min(width / 400, height / 800);
  return {
    x: (width - 400 * scale) / 2 + keypoint.x * 400 * scale,
    y: (height - 800 * scale) / 2 + keypoint.y * 800 * scale,
  };
}

describe('renderControlImage', () => {
  it.each([
    ['portrait', 512, 768],
    ['square', 512, 512],
    ['landscape', 768, 512],
  ])(
    'paints each limb in its OpenPose colour at its midpoint and leaves the corners black (%s %dx%d)',
    async (_, width, height) => {
      const image = await decode((await renderControlImage(PORTRAIT_POSE, { width, height })).png);
      expect([image.width, image.height]).toEqual([width, height]);
      for (const [x, y] of [
        [0, 0],
        [width - 1, 0],
        [0, height - 1],
        [width - 1, height - 1],
      ] as const) {
        expect(image.at(x, y)).toEqual([0, 0, 0]);
      }
      LIMBS.forEach(([from, to], limb) => {
        const start = expectedPosition(PORTRAIT_POSE.keypoints[from], width, height);
        const end = expectedPosition(PORTRAIT_POSE.keypoints[to], width, height);
        const dimmed = POSE_COLORS[limb].map((channel) => Math.floor(channel * 0.6));
        expect({ limb, color: image.at((start.x + end.x) / 2, (start.y + end.y) / 2) }).toEqual({
          limb,
          color: dimmed,
        });
      });
      POSE_COLORS.forEach((color, joint) => {
        const expected = expectedPosition(PORTRAIT_POSE.keypoints[joint], width, height);
        expect(image.at(expected.x, expected.y)).toEqual([...color]);
      });
    },
  );

  it('leaves out missing joints and every limb that touches them', async () => {
    const legsMissing: Pose = {
      ...PORTRAIT_POSE,
      keypoints: PORTRAIT_POSE.keypoints.map((keypoint, joint) =>
        [Joint.rightKnee, Joint.rightAnkle, Joint.leftKnee, Joint.leftAnkle].includes(joint as 9)
          ? { ...MISSING }
          : keypoint,
      ),
    };
    const image = await decode((await renderControlImage(legsMissing, { width: 512, height: 768 })).png);
    const [rightHip, rightKnee] = [Joint.rightHip, Joint.rightKnee].map((joint) =>
      expectedPosition(PORTRAIT_POSE.keypoints[joint], 512, 768),
    );
    expect(image.at((rightHip.x + rightKnee.x) / 2, (rightHip.y + rightKnee.y) / 2)).toEqual([0, 0, 0]);
    expect(image.centreOf(POSE_COLORS[Joint.rightKnee]).count).toBe(0);
    expect(image.at(rightHip.x, rightHip.y)).toEqual([...POSE_COLORS[Joint.rightHip]]);
  });

  it('keeps a portrait pose in proportion and centred in a landscape image', async () => {
    const image = await decode((await renderControlImage(PORTRAIT_POSE, { width: 1024, height: 512 })).png);
    const centre = (joint: number) => image.centreOf(POSE_COLORS[joint]);
    const [neck, rightShoulder, leftShoulder, rightAnkle] = [
      Joint.neck,
      Joint.rightShoulder,
      Joint.leftShoulder,
      Joint.rightAnkle,
    ].map(centre);
    const renderedRatio = (rightAnkle.y - neck.y) / (leftShoulder.x - rightShoulder.x);
    const originalRatio = (740 - 220) / (280 - 120);
    expect(renderedRatio).toBeCloseTo(originalRatio, 1);
    // The 400x800 canvas becomes 256x512, centred: the neck (x = 200) lands at 384 + 128.
    expect(neck.x).toBeCloseTo(512, 0);
    expect(image.at(380, 256)).toEqual([0, 0, 0]);
  });

  it('rounds sides to multiples of 64 only when asked', () => {
    expect(controlImageSize({ width: 500, height: 700 })).toEqual({ width: 500, height: 700 });
    expect(controlImageSize({ width: 500, height: 700, roundToMultipleOf64: true })).toEqual({
      width: 512,
      height: 704,
    });
    expect(controlImageSize({ width: 20, height: 20, roundToMultipleOf64: true })).toEqual({ width: 64, height: 64 });
  });
});
