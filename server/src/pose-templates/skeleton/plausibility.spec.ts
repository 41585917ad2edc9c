import { Joint, type Pose } from './keypoints.js';
import { findImplausibilities } from './plausibility.js';
import { BODY_PROPORTIONS, projectSkeleton } from '../library/body-model.js';
import { frameSkeleton } from '../library/framing.js';
import { RELAXED_POSE, arm } from '../library/presets.js';

const standing = (): Pose => frameSkeleton(projectSkeleton(RELAXED_POSE, BODY_PROPORTIONS.female), 'full-body');
const moveJoint = (pose: Pose, joint: number, x: number, y: number): Pose => ({
  ...pose,
  keypoints: pose.keypoints.map((keypoint, index) => (index === joint ? { x, y, c: 1 } : keypoint)),
});

describe('findImplausibilities', () => {
  it('passes a relaxed standing figure', () => {
    expect(findImplausibilities(standing())).toEqual([]);
  });

  it('flags a limb longer than a human one', () => {
    const pose = standing();
    const wrist = pose.keypoints[Joint.rightWrist];
    expect(
      findImplausibilities(moveJoint(pose, Joint.rightWrist, wrist.x, Math.min(0.99, wrist.y + 0.3))),
    ).toContainEqual(expect.stringMatching(/^right forearm is .* torso lengths/));
  });

  it('flags an upper arm through the torso and a thigh through the chest', () => {
    const pose = standing();
    const leftShoulder = pose.keypoints[Joint.leftShoulder];
    const leftHip = pose.keypoints[Joint.leftHip];
    const throughTorso = moveJoint(pose, Joint.rightElbow, leftShoulder.x + 0.05, (leftShoulder.y + leftHip.y) / 2);
    expect(findImplausibilities(throughTorso)).toContain('right upper arm passes through the torso');
    const neck = pose.keypoints[Joint.neck];
    expect(findImplausibilities(moveJoint(pose, Joint.leftKnee, neck.x + 0.02, neck.y - 0.05))).toContain(
      'left thigh passes through the chest',
    );
  });

  it('flags an elbow folded flat in the image plane, but not a forearm pointing at the camera', () => {
    const pose = standing();
    const [shoulder, elbow] = [pose.keypoints[Joint.rightShoulder], pose.keypoints[Joint.rightElbow]];
    const foldedBack = moveJoint(
      pose,
      Joint.rightWrist,
      shoulder.x + (elbow.x - shoulder.x) * 0.1 - 0.01,
      shoulder.y + (elbow.y - shoulder.y) * 0.1,
    );
    expect(findImplausibilities(foldedBack)).toContain('right elbow is folded past its limit');
    const towardsCamera = frameSkeleton(
      projectSkeleton({ ...RELAXED_POSE, rightArm: arm(5, 60, 105, -20) }, BODY_PROPORTIONS.female),
      'full-body',
    );
    expect(findImplausibilities(towardsCamera)).toEqual([]);
  });

  it('flags joints outside the canvas', () => {
    expect(findImplausibilities(moveJoint(standing(), Joint.nose, 0.5, 0))).toContain('nose lies outside the canvas');
  });
});
