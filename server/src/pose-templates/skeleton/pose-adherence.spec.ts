import { Joint, MISSING, type Keypoint } from './keypoints.js';
import { poseAdherence, qualityFromPoseError } from './pose-adherence.js';

/** A standing figure with arms held out, normalised to a square canvas. */
function standing(): Keypoint[] {
  const keypoints: Keypoint[] = Array.from({ length: 18 }, () => ({ ...MISSING }));
  const set = (joint: number, x: number, y: number) => (keypoints[joint] = { x, y, c: 1 });
  set(Joint.neck, 0.5, 0.2);
  set(Joint.rightShoulder, 0.4, 0.2);
  set(Joint.rightElbow, 0.3, 0.2);
  set(Joint.rightWrist, 0.2, 0.2);
  set(Joint.leftShoulder, 0.6, 0.2);
  set(Joint.leftElbow, 0.7, 0.2);
  set(Joint.leftWrist, 0.8, 0.2);
  set(Joint.rightHip, 0.45, 0.5);
  set(Joint.rightKnee, 0.45, 0.7);
  set(Joint.rightAnkle, 0.45, 0.9);
  set(Joint.leftHip, 0.55, 0.5);
  set(Joint.leftKnee, 0.55, 0.7);
  set(Joint.leftAnkle, 0.55, 0.9);
  return keypoints;
}

const square = { width: 512, height: 512 };

describe('poseAdherence', () => {
  it('scores the same pose 1 with no error', () => {
    const result = poseAdherence(standing(), standing(), square);
    expect(result.poseError).toBeCloseTo(0, 6);
    expect(result.qualityScore).toBe(1);
    expect(result.limbs).toBe(12);
  });

  it('ignores position and scale: only directions count', () => {
    const shifted = standing().map((point) => ({ x: 0.2 + point.x * 0.5, y: 0.1 + point.y * 0.5, c: point.c }));
    expect(poseAdherence(standing(), shifted, square).poseError).toBeCloseTo(0, 6);
  });

  it('averages the direction difference over the limbs present in both', () => {
    const raised = standing();
    // The right forearm points straight up instead of out: 90 degrees off on one of 12 limbs.
    raised[Joint.rightWrist] = { x: 0.3, y: 0.1, c: 1 };
    const result = poseAdherence(standing(), raised, square);
    expect(result.poseError).toBeCloseTo(90 / 12, 6);

    raised[Joint.leftAnkle] = { ...MISSING };
    expect(poseAdherence(standing(), raised, square).limbs).toBe(11);
  });

  it('measures angles in pixels, so a wide canvas does not bend them', () => {
    const diagonal = standing();
    diagonal[Joint.rightWrist] = { x: 0.2, y: 0.3, c: 1 };
    // In a 2:1 image the same normalised offsets make a flatter angle than in a square one.
    const wide = poseAdherence(standing(), diagonal, { width: 1024, height: 512 }).poseError!;
    const squareError = poseAdherence(standing(), diagonal, square).poseError!;
    expect(wide).toBeLessThan(squareError);
    expect(squareError * 12).toBeCloseTo(45, 6);
  });

  it('gives 0 and no error when no limb can be compared', () => {
    const none = Array.from({ length: 18 }, () => ({ ...MISSING }));
    expect(poseAdherence(standing(), none, square)).toEqual({ poseError: null, qualityScore: 0, limbs: 0 });
  });

  it('maps error to quality linearly, reaching 0 at 60 degrees', () => {
    expect(qualityFromPoseError(0)).toBe(1);
    expect(qualityFromPoseError(30)).toBeCloseTo(0.5, 6);
    expect(qualityFromPoseError(90)).toBe(0);
  });
});
