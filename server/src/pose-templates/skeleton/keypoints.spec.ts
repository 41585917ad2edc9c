import {
  JOINT_COUNT,
  Joint,
  MIRRORED_JOINT,
  describeInvalidKeypoints,
  mirrorKeypoints,
  type Keypoint,
} from './keypoints.js';

const pose = (): Keypoint[] =>
  Array.from({ length: JOINT_COUNT }, (_, joint) => ({ x: 0.1 + joint * 0.04, y: 0.2 + joint * 0.03, c: 1 }));

describe('keypoint model', () => {
  it('pairs every left joint with its right joint and keeps nose and neck', () => {
    expect(MIRRORED_JOINT[Joint.nose]).toBe(Joint.nose);
    expect(MIRRORED_JOINT[Joint.neck]).toBe(Joint.neck);
    expect(MIRRORED_JOINT[Joint.rightWrist]).toBe(Joint.leftWrist);
    expect(MIRRORED_JOINT[Joint.leftEar]).toBe(Joint.rightEar);
  });

  it('mirrors by flipping x and swapping sides, and mirroring twice gives the pose back', () => {
    const original = pose();
    const mirrored = mirrorKeypoints(original);
    expect(mirrored[Joint.leftWrist]).toEqual({
      x: 1 - original[Joint.rightWrist].x,
      y: original[Joint.rightWrist].y,
      c: 1,
    });
    mirrorKeypoints(mirrored).forEach((keypoint, joint) => {
      expect(keypoint.x).toBeCloseTo(original[joint].x, 12);
      expect(keypoint.y).toBe(original[joint].y);
    });
  });

  it('explains what is wrong with invalid keypoints', () => {
    expect(describeInvalidKeypoints(pose())).toBeUndefined();
    expect(describeInvalidKeypoints('x')).toMatch(/array of 18/);
    expect(describeInvalidKeypoints(pose().slice(1))).toMatch(/18 entries, got 17/);
    expect(
      describeInvalidKeypoints(pose().map((keypoint, joint) => (joint === 4 ? { ...keypoint, x: 1.2 } : keypoint))),
    ).toMatch(/keypoints\[4\] \(right-wrist\) must lie inside the canvas/);
    expect(describeInvalidKeypoints(pose().map((keypoint) => ({ ...keypoint, c: 0 })))).toMatch(/no present joint/);
    expect(
      describeInvalidKeypoints(pose().map((keypoint, joint) => (joint === 0 ? { x: 0.5, y: 0.5 } : keypoint))),
    ).toMatch(/finite numbers/);
  });
});
