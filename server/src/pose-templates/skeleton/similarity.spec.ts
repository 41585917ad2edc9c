import { Joint, MISSING, mirrorKeypoints, type Pose } from './keypoints.js';
import { comparablePose, comparePoses, normalisePose, poseDistance } from './similarity.js';
import { generateBuiltinLibrary } from '../library/builtin-library.js';

const library = generateBuiltinLibrary();
const template = (sourceRef: string) => library.find((candidate) => candidate.sourceRef === sourceRef)!;

/** The same pose drawn smaller and off-centre in a wider canvas. */
function shrunkAndMoved(pose: Pose): Pose {
  const canvas = { width: pose.canvas.width * 2, height: pose.canvas.height };
  return {
    canvas,
    keypoints: pose.keypoints.map((keypoint) =>
      keypoint.c > 0
        ? { x: 0.6 + (keypoint.x * pose.canvas.width * 0.5) / canvas.width, y: 0.3 + keypoint.y * 0.5, c: keypoint.c }
        : keypoint,
    ),
  };
}

describe('pose similarity', () => {
  const handOnHip = template('builtin/fashion-standing/hand-on-hip/female/yaw0/1');

  it('ignores position and scale', () => {
    expect(poseDistance(normalisePose(handOnHip), normalisePose(shrunkAndMoved(handOnHip)))).toBeCloseTo(0, 10);
  });

  it('ranks a pose closer to its variations than to another family', () => {
    const variation = template('builtin/fashion-standing/hand-on-hip/female/yaw0/2');
    const seated = template('builtin/fashion-sitting/crossed-legs/female/yaw20/1');
    const base = normalisePose(handOnHip);
    expect(poseDistance(base, normalisePose(variation))).toBeLessThan(poseDistance(base, normalisePose(seated)));
  });

  it('compares only joints present somewhere and charges a fixed cost for one-sided ones', () => {
    const upperBody: Pose = {
      ...handOnHip,
      keypoints: handOnHip.keypoints.map((keypoint, joint) =>
        [Joint.rightKnee, Joint.rightAnkle, Joint.leftKnee, Joint.leftAnkle].includes(joint as 9)
          ? { ...MISSING }
          : keypoint,
      ),
    };
    const cropped = poseDistance(normalisePose(handOnHip), normalisePose(upperBody));
    expect(cropped).toBeGreaterThan(0);
    expect(cropped).toBeLessThan(
      poseDistance(
        normalisePose(handOnHip),
        normalisePose(template('builtin/lifestyle-active/overhead-stretch/female/yaw0/1')),
      ),
    );
    expect(poseDistance(normalisePose(upperBody), normalisePose(upperBody))).toBe(0);
  });

  it('finds the mirror image first with mirror on, and not without it', () => {
    const mirroredCopy = comparablePose({ ...handOnHip, keypoints: mirrorKeypoints(handOnHip.keypoints) });
    const rank = (mirror: boolean) =>
      library
        .map((candidate) => ({ candidate, ...comparePoses(mirroredCopy, comparablePose(candidate), { mirror }) }))
        .sort((a, b) => a.distance - b.distance)
        .findIndex((entry) => entry.candidate.sourceRef === handOnHip.sourceRef);
    expect(rank(true)).toBeLessThanOrEqual(1);
    expect(comparePoses(mirroredCopy, comparablePose(handOnHip), { mirror: true })).toEqual({
      distance: 0,
      mirrored: true,
    });
    expect(rank(false)).toBeGreaterThan(1);
  });
});
