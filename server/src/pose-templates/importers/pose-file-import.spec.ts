import { readFileSync } from 'node:fs';
import path from 'node:path';
import { detectPoseFormat, importPoseFile } from './pose-file-import.js';
import { Joint, describeInvalidKeypoints } from '../skeleton/keypoints.js';
import { POSE_FIXTURES_DIR, describeWithPoseFixtures } from '../../../test/pose-templates/pose-fixtures.js';

const flatPerson = (values: number[]) => ({ people: [{ pose_keypoints_2d: values }] });
/** A front-facing standing figure in pixels of a 200x400 frame, as OpenPose writes it. */
const STANDING_PIXELS = [
  100, 40, 0.9, 100, 80, 0.9, 75, 80, 0.9, 70, 130, 0.9, 68, 175, 0.9, 125, 80, 0.9, 130, 130, 0.9, 132, 175, 0.9, 88,
  180, 0.9, 87, 260, 0.9, 86, 340, 0.9, 112, 180, 0.9, 113, 260, 0.9, 114, 340, 0.9, 95, 34, 0.9, 105, 34, 0.9, 90, 38,
  0.9, 110, 38, 0.9,
];

describe('importPoseFile', () => {
  it('reads a flat OpenPose person and, without a stated canvas, frames the figure in its bounding box', () => {
    const result = importPoseFile('a.json', JSON.stringify(flatPerson(STANDING_PIXELS)));
    expect(result.rejected).toEqual([]);
    const [pose] = result.imported;
    expect(pose).toMatchObject({ file: 'a.json', person: 0, format: 'openpose' });
    expect(describeInvalidKeypoints(pose.keypoints)).toBeUndefined();
    // Bounding box 64x306 plus 15% of 306 (45.9) on each side, rounded up.
    expect(pose.canvas).toEqual({ width: 156, height: 398 });
  });

  it('divides pixels by the stated canvas and keeps normalised coordinates as they are', () => {
    const pixels = importPoseFile(
      'p.json',
      JSON.stringify({ ...flatPerson(STANDING_PIXELS), canvas_width: 200, canvas_height: 400 }),
    );
    const normalisedValues = STANDING_PIXELS.map((value, index) =>
      index % 3 === 0 ? value / 200 : index % 3 === 1 ? value / 400 : value,
    );
    const normalised = importPoseFile(
      'n.json',
      JSON.stringify({ ...flatPerson(normalisedValues), canvas_width: 200, canvas_height: 400 }),
    );
    expect(pixels.imported[0].keypoints[Joint.neck]).toEqual({ x: 0.5, y: 0.2, c: 0.9 });
    expect(normalised.imported[0].keypoints).toEqual(pixels.imported[0].keypoints);
  });

  it('gives one reason per refused person and keeps the others', () => {
    const onlyAFace = STANDING_PIXELS.map((value, index) => (index >= 3 && index < 42 ? 0 : value));
    const result = importPoseFile(
      'two.json',
      JSON.stringify({
        people: [
          { pose_keypoints_2d: onlyAFace },
          { pose_keypoints_2d: STANDING_PIXELS },
          { pose_keypoints_2d: [1, 2] },
        ],
      }),
    );
    expect(result.imported.map((pose) => pose.person)).toEqual([1]);
    expect(result.rejected).toEqual([
      { file: 'two.json', person: 0, reason: expect.stringContaining('too few visible body joints: 0') },
      { file: 'two.json', person: 2, reason: expect.stringContaining('not a multiple of 3') },
    ]);
  });

  it('refuses a file that is not JSON, not a pose, or empty, once for the whole file', () => {
    expect(importPoseFile('x.json', 'hello').rejected).toEqual([
      { file: 'x.json', person: null, reason: expect.stringMatching(/^not valid JSON/) },
    ]);
    expect(importPoseFile('y.json', '{"face": []}').rejected[0].reason).toMatch(/^not a pose file: .*keys face/);
    expect(importPoseFile('z.json', '{"people": []}').rejected).toEqual([
      { file: 'z.json', person: null, reason: 'the file holds no person' },
    ]);
  });

  it('maps COCO keypoints (left before right) to OpenPose order with the neck between the shoulders', () => {
    const keypoints = Array.from({ length: 17 }, (_, index) => [10 + index * 5, 20 + index * 10, 2]).flat();
    const document = {
      images: [{ id: 7, width: 200, height: 300 }],
      annotations: [{ id: 42, image_id: 7, keypoints }],
    };
    const [pose] = importPoseFile('coco.json', JSON.stringify(document)).imported;
    expect(pose).toMatchObject({ person: 42, format: 'coco', canvas: { width: 200, height: 300 } });
    // COCO index 5 is the left shoulder (35, 70) and 6 the right one (40, 80).
    expect(pose.keypoints[Joint.leftShoulder]).toEqual({ x: 35 / 200, y: 70 / 300, c: 1 });
    expect(pose.keypoints[Joint.rightShoulder]).toEqual({ x: 40 / 200, y: 80 / 300, c: 1 });
    expect(pose.keypoints[Joint.neck]).toEqual({ x: 37.5 / 200, y: 75 / 300, c: 1 });
  });
});

describe('importPoseFile on other exporters', () => {
  it('reads bare people (one object or a list) and string canvas sizes', () => {
    const person = { pose_keypoints_2d: STANDING_PIXELS };
    const single = importPoseFile('one.json', JSON.stringify(person));
    const list = importPoseFile('list.json', JSON.stringify([person, person]));
    expect(single.imported).toHaveLength(1);
    expect(list.imported.map((pose) => pose.person)).toEqual([0, 1]);
    const sized = importPoseFile(
      's.json',
      JSON.stringify({ people: [person], canvas_width: '200', canvas_height: '400' }),
    );
    expect(sized.imported[0].canvas).toEqual({ width: 200, height: 400 });
  });

  it('takes null values (NaN written by some exporters) as a missing joint', () => {
    const withNulls = STANDING_PIXELS.map((value, index) => (index < 3 ? null : value));
    const [pose] = importPoseFile('n.json', JSON.stringify({ people: [{ pose_keypoints_2d: withNulls }] })).imported;
    expect(pose.keypoints[Joint.nose].c).toBe(0);
    expect(pose.keypoints[Joint.neck].c).toBe(0.9);
  });

  it('reads detector results with scores, and Halpe-26 with its own neck', () => {
    const coco17 = Array.from({ length: 17 }, (_, index) => [50 + index * 3, 40 + index * 12, 0.8]).flat();
    const [scored] = importPoseFile(
      'r.json',
      JSON.stringify([{ image_id: 1, keypoints: coco17, score: 0.9 }]),
    ).imported;
    expect(scored).toMatchObject({ format: 'coco-results', person: 0 });
    expect(scored.keypoints[Joint.nose].c).toBe(0.8);
    const halpe = [...coco17, 60, 20, 0.9, 70, 90, 0.95, ...Array.from({ length: 7 }, () => [0, 0, 0]).flat()];
    const [withNeck] = importPoseFile('h.json', JSON.stringify([{ image_id: 1, keypoints: halpe }])).imported;
    const shoulders = importPoseFile('c.json', JSON.stringify([{ image_id: 1, keypoints: coco17 }])).imported[0];
    expect(withNeck.keypoints[Joint.neck].c).toBe(0.95);
    expect(withNeck.keypoints[Joint.neck]).not.toEqual(shoulders.keypoints[Joint.neck]);
    expect(importPoseFile('x.json', JSON.stringify([{ keypoints: [1, 2, 3, 4, 5, 6] }])).rejected[0].reason).toMatch(
      /keypoints has 6 numbers; expected/,
    );
  });
});

describe('detectPoseFormat', () => {
  it('tells the formats apart by content', () => {
    expect(detectPoseFormat({ people: [] })).toBe('openpose');
    expect(detectPoseFormat([{ people: [], canvas_width: 1, canvas_height: 1 }])).toBe('openpose-frames');
    expect(detectPoseFormat({ annotations: [] })).toBe('coco');
    expect(detectPoseFormat([{ image_id: 1, keypoints: [], score: 1 }])).toBe('coco-results');
    expect(detectPoseFormat({ pose_keypoints_2d: [] })).toBe('openpose');
    expect(detectPoseFormat({ left_hand: [] })).toBeUndefined();
  });
});

describeWithPoseFixtures('importPoseFile on the shared real pose files', () => {
  const importFixture = (relativePath: string) =>
    importPoseFile(relativePath, readFileSync(path.join(POSE_FIXTURES_DIR, relativePath)));

  /** What the fixtures README says each file holds: people imported, and refusals (person or null for the file). */
  const expectations: Record<string, { imported: number; rejected: Array<number | null> }> = {
    'openpose_hmr_pr109_deepfashion/fashionMENDenimid0000056501_7additional_keypoints.json': {
      imported: 1,
      rejected: [],
    },
    'openpose_hmr_pr109_deepfashion/fashionMENDenimid0000387902_7additional_keypoints.json': {
      imported: 1,
      rejected: [],
    },
    'openpose_hmr_pr109_deepfashion/fashionMENDenimid0000537801_7additional_keypoints.json': {
      imported: 1,
      rejected: [],
    },
    'openpose_hmr_pr109_deepfashion/fashionMENJackets_Vestsid0000065304_4full_keypoints.json': {
      imported: 1,
      rejected: [],
    },
    'openpose_hmr_pr109_deepfashion/fashionMENJackets_Vestsid0000401403_1front_keypoints.json': {
      imported: 1,
      rejected: [],
    },
    'openpose_hmr/random_keypoints.json': { imported: 2, rejected: [] },
    'openpose_spin/im1010_openpose.json': { imported: 1, rejected: [] },
    'sd_webui_openpose_editor/pose.json': { imported: 1, rejected: [] },
    'sd_webui_openpose_editor/pose_hand_fixed.json': { imported: 1, rejected: [] },
    'sd_webui_openpose_editor/output_pose.json': { imported: 0, rejected: [null] },
    'sd_webui_openpose_editor/bad.json': { imported: 0, rejected: [null] },
    'comfyui_ultimate_openpose_editor_GPL3/00002.json': { imported: 1, rejected: [] },
    'comfyui_ultimate_openpose_editor_GPL3/00175.json': { imported: 1, rejected: [] },
    'comfyui_ultimate_openpose_editor_GPL3/converted/00108.json': { imported: 1, rejected: [] },
    'comfyui_ultimate_openpose_editor_GPL3/not_show/00108.json': { imported: 1, rejected: [] },
    'coco_mmpose/test_coco.json': { imported: 12, rejected: [1202706, 508900] },
    'coco_mmpose/test_humanart.json': { imported: 4, rejected: [] },
  };

  it('covers every data file listed in MANIFEST.tsv', () => {
    const manifestFiles = readFileSync(path.join(POSE_FIXTURES_DIR, 'MANIFEST.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t')[0]);
    expect(Object.keys(expectations).sort()).toEqual(manifestFiles.sort());
  });

  it.each(Object.entries(expectations))('%s imports or is refused as the README says', (file, expected) => {
    const result = importFixture(file);
    expect(result.imported).toHaveLength(expected.imported);
    expect(result.rejected.map((rejection) => rejection.person)).toEqual(expected.rejected);
    for (const rejection of result.rejected) expect(rejection.reason.length).toBeGreaterThan(10);
    for (const pose of result.imported) expect(describeInvalidKeypoints(pose.keypoints)).toBeUndefined();
  });

  it('imports 30 pose instances in all', () => {
    const total = Object.keys(expectations).reduce((sum, file) => sum + importFixture(file).imported.length, 0);
    expect(total).toBe(30);
  });

  it('imports the flat and the nested encoding of the same pose to the same keypoints', () => {
    const flat = importFixture('comfyui_ultimate_openpose_editor_GPL3/converted/00108.json').imported[0];
    const nested = importFixture('comfyui_ultimate_openpose_editor_GPL3/not_show/00108.json').imported[0];
    expect(nested.keypoints).toEqual(flat.keypoints);
    expect(nested.canvas).toEqual({ width: 720, height: 1280 });
  });

  it('keeps COCO-18 padded to 25 joints in COCO-18 order, and maps real BODY_25 to 18', () => {
    const padded = importFixture('comfyui_ultimate_openpose_editor_GPL3/00002.json').imported[0].keypoints;
    expect(Math.abs(padded[Joint.rightHip].y - padded[Joint.leftHip].y)).toBeLessThan(0.01);
    const body25 = importFixture('openpose_spin/im1010_openpose.json').imported[0].keypoints;
    const rightHip = body25[Joint.rightHip];
    const leftHip = body25[Joint.leftHip];
    expect(Math.abs(rightHip.y - leftHip.y)).toBeLessThan(0.01);
    expect(body25[Joint.rightKnee].y).toBeGreaterThan(rightHip.y);
  });

  it('reads normalised editor coordinates against their 768x512 canvas and drops the -1 px artefacts', () => {
    const pose = importFixture('sd_webui_openpose_editor/pose.json').imported[0];
    expect(pose.canvas).toEqual({ width: 768, height: 512 });
    expect(pose.keypoints[Joint.nose]).toEqual({ x: 0.4778645833333333, y: 0.3359375, c: 1 });
    expect(pose.keypoints[Joint.rightHip].c).toBe(0);
  });

  it('takes the COCO canvas from images[] and refuses empty annotations with a reason', () => {
    const result = importFixture('coco_mmpose/test_coco.json');
    expect(result.imported.find((pose) => pose.person === 442619)!.canvas).toEqual({ width: 640, height: 425 });
    expect(result.rejected[0].reason).toMatch(/^no visible joint/);
  });

  it('caps detector confidences above 1', () => {
    const [first] = importFixture('openpose_hmr/random_keypoints.json').imported;
    expect(first.keypoints[Joint.leftEar].c).toBe(1);
    expect(first.keypoints[Joint.nose].c).toBe(0);
  });
});
