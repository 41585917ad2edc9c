import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readCocoDocument } from '../../src/pose-templates/importers/coco-format.js';
import type { Keypoint } from '../../src/pose-templates/skeleton/keypoints.js';
import { REPO_ROOT } from '../pose-templates/pose-fixtures.js';

/** Real COCO photos with human-made keypoints, shared beside the repository; never copied into it. */
const PHOTOS_DIR = path.resolve(REPO_ROOT, '../shared/fixtures/photos/coco_mini_train2017');
export const havePersonPhotos = existsSync(path.join(PHOTOS_DIR, 'person_keypoints_train2017.json'));
export const describeWithPersonPhotos = havePersonPhotos ? describe : describe.skip;

/** One person, upright and large in frame, both arms labelled (the README lists the single-person images). */
const SINGLE_PERSON_IMAGE_ID = 84533;

export interface PersonPhoto {
  image: Buffer;
  width: number;
  height: number;
  /** The annotation in BODY_18 (the COCO importer's mapping, neck synthesised), normalised 0..1 to the photo. */
  keypoints: Keypoint[];
}

export async function singlePersonPhoto(): Promise<PersonPhoto> {
  const document = JSON.parse(await readFile(path.join(PHOTOS_DIR, 'person_keypoints_train2017.json'), 'utf8')) as {
    images: Array<{ id: number; file_name: string; width: number; height: number }>;
    annotations: Array<{ id: number; image_id: number }>;
  };
  const info = document.images.find((image) => image.id === SINGLE_PERSON_IMAGE_ID)!;
  const annotationIds = new Set(
    document.annotations.filter((annotation) => annotation.image_id === info.id).map((annotation) => annotation.id),
  );
  const person = readCocoDocument(document as unknown as Record<string, unknown>).find(
    (entry) => annotationIds.has(entry.person) && 'joints' in entry,
  );
  if (!person || !('joints' in person)) throw new Error(`no keypoints for image ${info.id}`);
  return {
    image: await readFile(path.join(PHOTOS_DIR, info.file_name)),
    width: info.width,
    height: info.height,
    keypoints: person.joints.map((joint) =>
      joint.c > 0 ? { x: joint.x / info.width, y: joint.y / info.height, c: joint.c } : { x: 0, y: 0, c: 0 },
    ),
  };
}
