import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { Joint, type Keypoint } from '../../src/pose-templates/skeleton/keypoints.js';
import { COCO_17, toBody18Joints } from '../../src/pose-templates/importers/coco-format.js';

/**
 * The shared COCO photos (../shared/fixtures beside the repository, never copied into it): 80 train2017 images,
 * 44 without a person, with COCO-17 keypoint annotations in image pixels.
 */
const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const COCO_FIXTURES_DIR = path.resolve(REPOSITORY_ROOT, '../shared/fixtures/photos/coco_mini_train2017');
const ANNOTATIONS = path.join(COCO_FIXTURES_DIR, 'person_keypoints_train2017.json');
export const cocoFixturesPresent = existsSync(ANNOTATIONS);
export const COCO_FIXTURES_ABSENT = `the shared COCO photos are absent (${COCO_FIXTURES_DIR})`;

interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An annotated person: COCO-17 (x, y, visibility) triplets and the bbox, both in the photo's pixels. */
export interface AnnotatedPerson {
  keypoints: number[];
  bbox: PixelBox;
  labelled: number;
}

export interface AnnotatedPhoto {
  file: string;
  width: number;
  height: number;
  /** The bbox of every annotation, crowds included (an image without any has no person at all). */
  annotated: PixelBox[];
  /** The annotations that are one person each (not crowds). */
  people: AnnotatedPerson[];
}

/** A person to find: the image bytes and its annotation in that image's pixels. */
export interface PoseCase {
  name: string;
  image: Buffer;
  width: number;
  height: number;
  person: AnnotatedPerson;
}

interface CocoJson {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: { image_id: number; iscrowd: number; num_keypoints: number; keypoints: number[]; bbox: number[] }[];
}

export async function annotatedPhotos(): Promise<AnnotatedPhoto[]> {
  const coco = JSON.parse(await readFile(ANNOTATIONS, 'utf8')) as CocoJson;
  return coco.images.map((image) => {
    const annotations = coco.annotations.filter((annotation) => annotation.image_id === image.id);
    const boxes = annotations.map(({ bbox: [x, y, width, height] }): PixelBox => ({ x, y, width, height }));
    return {
      file: path.join(COCO_FIXTURES_DIR, image.file_name),
      width: image.width,
      height: image.height,
      annotated: boxes,
      people: annotations.flatMap((annotation, index) =>
        annotation.iscrowd === 0
          ? [{ keypoints: annotation.keypoints, bbox: boxes[index], labelled: annotation.num_keypoints }]
          : [],
      ),
    };
  });
}

/** People labelled well enough to score a detector: 10 or more keypoints. */
const MIN_LABELLED = 10;
/** Crops smaller than this on a side are too small for anyone, model or annotator. */
const MIN_CROP_SIDE = 60;
/** Crops keep this share of the bbox around it, so limbs on its edge stay in view. */
const CROP_MARGIN = 0.1;
/**
 * A single-pose detector answers one person: a crop where someone else covers more than this share of the
 * frame has no single right answer, and is left out.
 */
const MAX_OTHER_PERSON_SHARE = 0.25;

/** Whole photos of exactly one well-labelled person (the six named in the fixtures' README). */
export async function singlePersonCases(photos: AnnotatedPhoto[]): Promise<PoseCase[]> {
  const single = photos.filter((photo) => photo.annotated.length === 1 && photo.people[0]?.labelled >= MIN_LABELLED);
  return Promise.all(
    single.map(async (photo) => ({
      name: path.basename(photo.file),
      image: await readFile(photo.file),
      width: photo.width,
      height: photo.height,
      person: photo.people[0],
    })),
  );
}

/**
 * Well-labelled people of the photos with several annotations, each cropped by its bbox (plus a margin), when
 * nobody else fills much of that crop.
 */
export async function croppedPersonCases(photos: AnnotatedPhoto[]): Promise<PoseCase[]> {
  const cases: Promise<PoseCase>[] = [];
  for (const photo of photos.filter((candidate) => candidate.annotated.length > 1)) {
    photo.people.forEach((person, index) => {
      if (person.labelled < MIN_LABELLED || Math.min(person.bbox.width, person.bbox.height) < MIN_CROP_SIDE) return;
      const crop = cropAround(photo, person.bbox);
      const others = photo.annotated.filter((box) => box !== person.bbox);
      if (others.some((box) => overlapArea(box, crop) > MAX_OTHER_PERSON_SHARE * crop.width * crop.height)) return;
      cases.push(cropPerson(photo, person, index, crop));
    });
  }
  return Promise.all(cases);
}

function cropAround(photo: AnnotatedPhoto, bbox: PixelBox): PixelBox {
  const x = Math.max(0, Math.floor(bbox.x - bbox.width * CROP_MARGIN));
  const y = Math.max(0, Math.floor(bbox.y - bbox.height * CROP_MARGIN));
  const right = Math.min(photo.width, Math.ceil(bbox.x + bbox.width * (1 + CROP_MARGIN)));
  const bottom = Math.min(photo.height, Math.ceil(bbox.y + bbox.height * (1 + CROP_MARGIN)));
  return { x, y, width: right - x, height: bottom - y };
}

function overlapArea(a: PixelBox, b: PixelBox): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return Math.max(0, width) * Math.max(0, height);
}

async function cropPerson(
  photo: AnnotatedPhoto,
  person: AnnotatedPerson,
  index: number,
  crop: PixelBox,
): Promise<PoseCase> {
  const image = await sharp(photo.file)
    .extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height })
    .jpeg({ quality: 92 })
    .toBuffer();
  const keypoints = person.keypoints.map((value, offset) =>
    offset % 3 === 0 ? value - crop.x : offset % 3 === 1 ? value - crop.y : value,
  );
  return {
    name: `${path.basename(photo.file)} person ${index}`,
    image,
    width: crop.width,
    height: crop.height,
    person: { ...person, keypoints, bbox: { ...person.bbox, x: person.bbox.x - crop.x, y: person.bbox.y - crop.y } },
  };
}

/** The photos with no annotation at all: nobody there. */
export function noPersonPhotos(photos: AnnotatedPhoto[]): AnnotatedPhoto[] {
  return photos.filter((photo) => photo.annotated.length === 0);
}

export interface PckTally {
  correct: number;
  labelled: number;
}

/** PCK is measured against the torso: the mean of the two shoulder-to-opposite-hip diagonals. */
const PCK_FRACTION = 0.2;

/**
 * PCK@0.2 for one person: of the labelled COCO joints, how many the detector placed within 0.2 torso lengths
 * (a joint it did not find counts as wrong). Detected keypoints are BODY_18, normalised to the image.
 */
export function pckTally(
  person: AnnotatedPerson,
  detected: Keypoint[] | undefined,
  width: number,
  height: number,
): PckTally {
  const truth = toBody18Joints(COCO_17, person.keypoints, (visibility) => visibility);
  const torso = torsoLength(truth);
  let correct = 0;
  let labelled = 0;
  truth.forEach((joint, index) => {
    // The neck is synthesised on both sides from the shoulders; only the 17 labelled joints count.
    if (index === Joint.neck || joint.c === 0) return;
    labelled++;
    const found = detected?.[index];
    if (!found || found.c === 0) return;
    if (Math.hypot(found.x * width - joint.x, found.y * height - joint.y) <= PCK_FRACTION * torso) correct++;
  });
  return { correct, labelled };
}

function torsoLength(joints: { x: number; y: number; c: number }[]): number {
  const diagonals = [
    [Joint.rightShoulder, Joint.leftHip],
    [Joint.leftShoulder, Joint.rightHip],
  ]
    .filter(([a, b]) => joints[a].c > 0 && joints[b].c > 0)
    .map(([a, b]) => Math.hypot(joints[a].x - joints[b].x, joints[a].y - joints[b].y));
  if (diagonals.length > 0) return diagonals.reduce((sum, value) => sum + value, 0) / diagonals.length;
  const found = joints.filter((joint) => joint.c > 0);
  const xs = found.map((joint) => joint.x);
  const ys = found.map((joint) => joint.y);
  // Without a shoulder-hip pair, a third of the labelled figure's height stands in for the torso.
  return Math.max(Math.max(...ys) - Math.min(...ys), Math.max(...xs) - Math.min(...xs)) / 3;
}
