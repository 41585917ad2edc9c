import { Joint } from '../pose-templates/skeleton/keypoints.js';
import { personFromMovenet, PERSON_RULE } from './detected-person.js';
import {
  KEYPOINT_THRESHOLD,
  MOVENET_KEYPOINT_COUNT,
  paddedFrame,
  regionAroundPerson,
  toImagePoints,
} from './movenet-regions.js';

/** 17 triplets on a diagonal, every joint scored `score` except the first `weak` ones, scored 0.1. */
function triplets(score: number, weak = 0): number[] {
  return Array.from({ length: MOVENET_KEYPOINT_COUNT }, (_, index) => [
    0.2 + index * 0.03,
    0.1 + index * 0.04,
    index < weak ? 0.1 : score,
  ]).flat();
}

describe('personFromMovenet', () => {
  it('takes the mean keypoint score as the person score, and maps COCO-17 onto BODY_18 with a neck', () => {
    const person = personFromMovenet(triplets(0.8))!;
    expect(person.score).toBeCloseTo(0.8);
    expect(person.keypoints).toHaveLength(18);
    // COCO-17 index 5 is the left shoulder, 6 the right one; the neck is their midpoint.
    expect(person.keypoints[Joint.leftShoulder]).toEqual({ x: 0.2 + 5 * 0.03, y: 0.1 + 5 * 0.04, c: 0.8 });
    expect(person.keypoints[Joint.neck].x).toBeCloseTo(0.2 + 5.5 * 0.03);
    expect(person.box.x).toBeLessThan(0.2);
    expect(person.box.x + person.box.width).toBeGreaterThan(0.2 + 16 * 0.03);
  });

  it(`marks joints under ${KEYPOINT_THRESHOLD} missing, and joints outside the image`, () => {
    const values = triplets(0.9, 2);
    values[16 * 3] = 1.2;
    const person = personFromMovenet(values)!;
    expect(person.keypoints[Joint.nose]).toEqual({ x: 0, y: 0, c: 0 });
    expect(person.keypoints[Joint.rightAnkle]).toEqual({ x: 0, y: 0, c: 0 });
    expect(person.keypoints[Joint.leftEar].c).toBe(0.9);
  });

  it(`needs ${PERSON_RULE.minConfidentJoints} confident joints and a mean score of ${PERSON_RULE.minMeanScore}`, () => {
    const confident = PERSON_RULE.minConfidentJoints;
    expect(personFromMovenet(triplets(0.9, MOVENET_KEYPOINT_COUNT - confident))).toBeDefined();
    expect(personFromMovenet(triplets(0.9, MOVENET_KEYPOINT_COUNT - confident + 1))).toBeUndefined();
    expect(personFromMovenet(triplets(0.24))).toBeUndefined();
  });
});

describe('MoveNet regions', () => {
  it('letterboxes the frame to a centred square', () => {
    expect(paddedFrame(640, 480)).toEqual({ left: 0, top: -80, side: 640 });
  });

  it('crops the square around the confident joints with a margin, and maps answers back to pixels', () => {
    const points = [
      { x: 100, y: 100, score: 0.9 },
      { x: 200, y: 300, score: 0.9 },
      { x: 150, y: 200, score: 0.9 },
      { x: 600, y: 20, score: 0.1 },
    ];
    const region = regionAroundPerson(points, 640, 480)!;
    expect(region.side).toBeCloseTo(200 * 1.75);
    expect(region.left + region.side / 2).toBeCloseTo(150);
    expect(region.top + region.side / 2).toBeCloseTo(200);
    const [first] = toImagePoints([0.5, 0.25, 0.7, ...new Array<number>(48).fill(0)], region);
    expect(first).toEqual({ x: region.left + 0.25 * region.side, y: region.top + 0.5 * region.side, score: 0.7 });
  });

  it('keeps the first pass when it found too little to crop around', () => {
    expect(regionAroundPerson([{ x: 1, y: 1, score: 0.9 }], 640, 480)).toBeUndefined();
  });
});
