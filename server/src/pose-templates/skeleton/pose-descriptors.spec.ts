import { deriveDifficulty, deriveProductPlacement } from './pose-descriptors.js';
import { BODY_PROPORTIONS, projectSkeleton, type PoseAngles } from '../library/body-model.js';
import { frameSkeleton, type Framing } from '../library/framing.js';
import { RELAXED_POSE, arm, leg } from '../library/presets.js';
import { mirrorKeypoints } from './keypoints.js';

const posed = (angles: Partial<PoseAngles>, framing: Framing = 'full-body') =>
  frameSkeleton(projectSkeleton({ ...RELAXED_POSE, ...angles }, BODY_PROPORTIONS.female), framing);
const HOLD_OUT = arm(5, 40, 70, 40);

describe('deriveProductPlacement', () => {
  it('reads the placement from where the hands are', () => {
    expect(deriveProductPlacement(posed({}))).toBe('worn');
    expect(deriveProductPlacement(posed({ rightArm: arm(90, 120, 80, 10) }, 'chest-up'))).toBe('near-face');
    expect(deriveProductPlacement(posed({ rightArm: HOLD_OUT, leftArm: HOLD_OUT }))).toBe('both-hands');
    expect(deriveProductPlacement(posed({ rightArm: arm(5, 60, 105, -20) }))).toBe('hand-right');
    expect(deriveProductPlacement(posed({ rightArm: arm(45, -10, 100, 90) }))).toBe('worn');
  });

  it('swaps hands in the mirror image', () => {
    const pose = posed({ rightArm: arm(5, 60, 105, -20) });
    expect(deriveProductPlacement({ ...pose, keypoints: mirrorKeypoints(pose.keypoints) })).toBe('hand-left');
  });
});

describe('deriveDifficulty', () => {
  it('rates a front-facing relaxed pose easy and a turned seated one with crossed legs hard', () => {
    expect(deriveDifficulty(posed({}))).toBe('easy');
    expect(
      deriveDifficulty(
        posed({ yaw: 40, rightLeg: leg(6, 85, 80), leftLeg: leg(-18, 95, 60), rightArm: arm(-5, 35, 115, 75) }),
      ),
    ).toBe('hard');
  });
});
