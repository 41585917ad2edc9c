import { isJsonObject } from './openpose-format.js';
import { readCanvas, type RawJoint } from './person-normalisation.js';
import { JOINT_COUNT, JOINT_NAMES, Joint, type Canvas, type JointName } from '../skeleton/keypoints.js';

/** One COCO annotation, before normalisation; `person` is the annotation id (or its index when it has none). */
export type CocoPerson =
  { person: number; joints: RawJoint[]; canvas: Canvas | undefined } | { person: number; reason: string };

/** Keypoint names used by COCO-style files and the OpenPose joint each one becomes; other names are ignored. */
const NAME_TO_JOINT: Record<string, JointName> = {
  nose: 'nose',
  neck: 'neck',
  left_eye: 'left-eye',
  right_eye: 'right-eye',
  left_ear: 'left-ear',
  right_ear: 'right-ear',
  left_shoulder: 'left-shoulder',
  right_shoulder: 'right-shoulder',
  left_elbow: 'left-elbow',
  right_elbow: 'right-elbow',
  left_wrist: 'left-wrist',
  right_wrist: 'right-wrist',
  left_hip: 'left-hip',
  right_hip: 'right-hip',
  left_knee: 'left-knee',
  right_knee: 'right-knee',
  left_ankle: 'left-ankle',
  right_ankle: 'right-ankle',
};
const JOINT_INDEX = new Map<string, number>(
  Object.entries(NAME_TO_JOINT).map(([name, joint]) => [name, JOINT_NAMES.indexOf(joint)]),
);

/** COCO-17, left before right: the keypoint order of COCO annotations and of COCO-trained detectors. */
export const COCO_17 = Object.keys(NAME_TO_JOINT).filter((name) => name !== 'neck');
/** Halpe-26 (AlphaPose): COCO-17, then head, neck, hip and six foot points. */
const HALPE_26 = [...COCO_17, 'head', 'neck', 'hip'];
/**
 * Layouts recognised by their keypoint count when the file names none; each
 * starts with COCO-17 (COCO-WholeBody 133 and Halpe-136 add feet, face and hands).
 */
const LAYOUTS_BY_COUNT: Record<number, readonly string[]> = { 17: COCO_17, 26: HALPE_26, 133: COCO_17, 136: HALPE_26 };

/** Visibility 1 means "labelled but occluded": kept, with a lower confidence than a visible joint. */
const CONFIDENCE_BY_VISIBILITY: Record<number, number> = { 0: 0, 1: 0.5, 2: 1 };
/** Annotations carry visibility flags 0/1/2; anything else, and every result file, carries a detector score. */
const annotationConfidence = (value: number) => CONFIDENCE_BY_VISIBILITY[value] ?? resultConfidence(value);
const resultConfidence = (value: number) => Math.min(1, Math.max(0, value));

/** A COCO keypoints file: a dict with an `annotations` list. */
export const isCocoDocument = (value: unknown): value is Record<string, unknown> =>
  isJsonObject(value) && Array.isArray(value['annotations']);

/** A COCO results file: a list of {image_id, keypoints, score}, as detectors write it. */
export const isCocoResults = (value: unknown): value is Record<string, unknown>[] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((item) => isJsonObject(item) && Array.isArray(item['keypoints']));

export function readCocoDocument(document: Record<string, unknown>): CocoPerson[] {
  const canvasByImage = new Map<unknown, Canvas | undefined>();
  for (const image of Array.isArray(document['images']) ? document['images'] : []) {
    if (isJsonObject(image)) canvasByImage.set(image['id'], readCanvas(image['width'], image['height']));
  }
  const namesByCategory = new Map<unknown, string[]>();
  for (const category of Array.isArray(document['categories']) ? document['categories'] : []) {
    if (isJsonObject(category) && Array.isArray(category['keypoints'])) {
      namesByCategory.set(category['id'], category['keypoints'].map(String));
    }
  }
  return (document['annotations'] as unknown[]).map((annotation, index) => {
    const person = isJsonObject(annotation) && typeof annotation['id'] === 'number' ? annotation['id'] : index;
    if (!isJsonObject(annotation)) return { person, reason: 'annotation is not an object' };
    if (annotation['iscrowd'] === 1) return { person, reason: 'crowd annotation (iscrowd=1) has no single pose' };
    const names = namesByCategory.get(annotation['category_id']);
    return readAnnotation(annotation, person, names, annotationConfidence, canvasByImage.get(annotation['image_id']));
  });
}

export function readCocoResults(results: Record<string, unknown>[]): CocoPerson[] {
  return results.map((result, index) => readAnnotation(result, index, undefined, resultConfidence, undefined));
}

function readAnnotation(
  annotation: Record<string, unknown>,
  person: number,
  categoryNames: readonly string[] | undefined,
  confidenceOf: (value: number) => number,
  canvas: Canvas | undefined,
): CocoPerson {
  const values = annotation['keypoints'];
  if (!Array.isArray(values)) return { person, reason: 'annotation has no keypoints (not a keypoint annotation)' };
  if (!values.every((value) => typeof value === 'number' && Number.isFinite(value))) {
    return { person, reason: 'keypoints holds a value that is not a finite number' };
  }
  const count = values.length / 3;
  // Human-Art names 21 keypoints but stores the first 17 in `keypoints`.
  const names =
    categoryNames && categoryNames.length >= count ? categoryNames.slice(0, count) : LAYOUTS_BY_COUNT[count];
  if (!Number.isInteger(count) || !names) {
    return {
      person,
      reason: `keypoints has ${values.length} numbers; expected (x, y, visibility) triplets for COCO-17, Halpe-26, COCO-WholeBody-133, Halpe-136 or the keypoints its category names`,
    };
  }
  return { person, joints: toBody18Joints(names, values as number[], confidenceOf), canvas };
}

/**
 * Maps (x, y, visibility-or-score) triplets laid out as `names` onto the 18 BODY_18 joints; names BODY_18 lacks
 * are dropped, and a missing neck is synthesised from the shoulders. Shared by the importers and the detector.
 */
export function toBody18Joints(
  names: readonly string[],
  values: readonly number[],
  confidenceOf: (value: number) => number,
): RawJoint[] {
  const joints: RawJoint[] = Array.from({ length: JOINT_COUNT }, () => ({ x: 0, y: 0, c: 0 }));
  names.forEach((name, index) => {
    const target = JOINT_INDEX.get(name);
    if (target === undefined) return;
    const [x, y, visibility] = values.slice(index * 3, index * 3 + 3) as [number, number, number];
    joints[target] = { x, y, c: confidenceOf(visibility) };
  });
  if (!(joints[Joint.neck].c > 0)) {
    joints[Joint.neck] = neckFromShoulders(joints[Joint.rightShoulder], joints[Joint.leftShoulder]);
  }
  return joints;
}

/** COCO-17 has no neck: OpenPose's neck is the midpoint of the shoulders, known only when both are. */
function neckFromShoulders(right: RawJoint, left: RawJoint): RawJoint {
  if (!(right.c > 0 && left.c > 0)) return { x: 0, y: 0, c: 0 };
  return { x: (right.x + left.x) / 2, y: (right.y + left.y) / 2, c: Math.min(right.c, left.c) };
}
