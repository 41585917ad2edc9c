import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { JOINT_COUNT } from '../../src/pose-templates/skeleton/keypoints.js';
import { MovenetPoseDetector } from '../../src/vision/movenet-pose-detector.js';
import { PoseDetectorBusyError, UndecodableImageError } from '../../src/vision/pose-detector-errors.js';
import { garmentScenes, syntheticScenes } from '../media/synthetic-scenes.js';
import {
  annotatedPhotos,
  COCO_FIXTURES_ABSENT,
  cocoFixturesPresent,
  croppedPersonCases,
  noPersonPhotos,
  pckTally,
  singlePersonCases,
  type PoseCase,
} from './coco-fixtures.js';

/** PCK@0.2 (torso) over a set of people: correct joints over labelled joints, printed per person. */
async function measurePck(detector: MovenetPoseDetector, label: string, cases: PoseCase[]): Promise<number> {
  let correct = 0;
  let labelled = 0;
  const lines: string[] = [];
  for (const poseCase of cases) {
    const result = await detector.detect(poseCase.image);
    const tally = pckTally(poseCase.person, result.people[0]?.keypoints, result.width, result.height);
    correct += tally.correct;
    labelled += tally.labelled;
    lines.push(`  ${poseCase.name}: ${tally.correct}/${tally.labelled}`);
  }
  const pck = correct / labelled;
  console.log(
    `PCK@0.2 (torso), ${label}: ${pck.toFixed(3)} (${correct}/${labelled} joints, ${cases.length} people)\n${lines.join('\n')}`,
  );
  return pck;
}

describe('MovenetPoseDetector', () => {
  const detector = new MovenetPoseDetector(64);
  afterAll(() => detector.close());

  (cocoFixturesPresent ? describe : describe.skip)('on the shared COCO photos', () => {
    if (!cocoFixturesPresent) console.log(`skipped: ${COCO_FIXTURES_ABSENT}`);

    it('places the joints of the single-person photos at PCK@0.2 >= 0.80', async () => {
      const cases = await singlePersonCases(await annotatedPhotos());
      expect(cases).toHaveLength(6);
      expect(await measurePck(detector, 'single-person photos', cases)).toBeGreaterThanOrEqual(0.8);
    });

    it('places the joints of people cropped by their bbox at PCK@0.2 >= 0.70', async () => {
      const cases = await croppedPersonCases(await annotatedPhotos());
      expect(cases.length).toBeGreaterThanOrEqual(10);
      expect(await measurePck(detector, 'people cropped by their bbox', cases)).toBeGreaterThanOrEqual(0.7);
    });

    it('finds nobody in at least 90% of the photos without a person', async () => {
      const photos = noPersonPhotos(await annotatedPhotos());
      expect(photos).toHaveLength(44);
      const found: string[] = [];
      for (const photo of photos) {
        const result = await detector.detect(await readFile(photo.file));
        if (result.people.length > 0) found.push(`${photo.file} (score ${result.people[0].score.toFixed(3)})`);
      }
      const empty = photos.length - found.length;
      console.log(
        `no-person photos answered people: []: ${empty}/${photos.length} (${((100 * empty) / photos.length).toFixed(1)}%)${found.length ? `; a person in ${found.join(', ')}` : ''}`,
      );
      expect(empty / photos.length).toBeGreaterThanOrEqual(0.9);
    });

    it('answers in the EXIF-oriented frame, whatever the stored orientation', async () => {
      const [photo] = await singlePersonCases(await annotatedPhotos());
      // Stored rotated a quarter turn clockwise, with EXIF orientation 8 to turn it back.
      const sideways = await sharp(photo.image).rotate(90).withMetadata({ orientation: 8 }).jpeg().toBuffer();
      const [upright, turned] = [await detector.detect(photo.image), await detector.detect(sideways)];
      expect({ width: turned.width, height: turned.height }).toEqual({ width: photo.width, height: photo.height });
      expect(turned.people).toHaveLength(1);
      const tally = pckTally(photo.person, turned.people[0].keypoints, turned.width, turned.height);
      expect(tally.correct).toBe(
        pckTally(photo.person, upright.people[0].keypoints, photo.width, photo.height).correct,
      );
    });

    it('answers 18 BODY_18 keypoints normalised to the image, a box around them and the mean score', async () => {
      const [photo] = await singlePersonCases(await annotatedPhotos());
      const [person] = (await detector.detect(photo.image)).people;
      expect(person.keypoints).toHaveLength(JOINT_COUNT);
      for (const keypoint of person.keypoints.filter((point) => point.c > 0)) {
        expect(keypoint.c).toBeGreaterThanOrEqual(0.3);
        expect(keypoint.x).toBeGreaterThanOrEqual(person.box.x);
        expect(keypoint.x).toBeLessThanOrEqual(person.box.x + person.box.width);
        expect(keypoint.y).toBeGreaterThanOrEqual(person.box.y);
        expect(keypoint.y).toBeLessThanOrEqual(person.box.y + person.box.height);
      }
      for (const keypoint of person.keypoints.filter((point) => point.c === 0))
        expect(keypoint).toEqual({ x: 0, y: 0, c: 0 });
      expect(person.score).toBeGreaterThanOrEqual(0.25);
      expect(person.score).toBeLessThanOrEqual(1);
    });
  });

  it('finds nobody in product photos on plain backgrounds or clothes on hangers', async () => {
    const scenes = [...(await syntheticScenes()), ...(await garmentScenes())];
    const found: string[] = [];
    for (const scene of scenes) if ((await detector.detect(scene.photo)).people.length > 0) found.push(scene.name);
    console.log(`product and garment scenes with a person found: ${found.length}/${scenes.length}`);
    expect(found).toEqual([]);
  });

  it('refuses bytes that do not decode strictly', async () => {
    const photo = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    await expect(detector.detect(photo.subarray(0, photo.length / 2))).rejects.toBeInstanceOf(UndecodableImageError);
  });

  it('refuses detections beyond its queue, and serves the others', async () => {
    const busy = new MovenetPoseDetector(1);
    try {
      const image = await sharp({ create: { width: 96, height: 96, channels: 3, background: '#ffffff' } })
        .png()
        .toBuffer();
      const outcomes = await Promise.allSettled([1, 2, 3, 4].map(() => busy.detect(image)));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
      expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(PoseDetectorBusyError);
      await expect(busy.detect(image)).resolves.toMatchObject({ width: 96, height: 96, people: [] });
    } finally {
      await busy.close();
    }
  });
});
