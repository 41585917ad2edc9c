import { readCanvas, type RawJoint } from './person-normalisation.js';
import type { Canvas } from '../skeleton/keypoints.js';

/** One person as found in an OpenPose document, before normalisation. */
export type OpenPosePerson = { joints: RawJoint[]; canvas: Canvas | undefined } | { reason: string };

/** BODY_25 index of each BODY_18 joint (BODY_25 adds mid-hip at 8 and six foot points at 19..24). */
const BODY_25_TO_18 = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
const BODY_25_MID_HIP = 8;
const BODY_25_RIGHT_HIP = 9;
const BODY_25_LEFT_HIP = 12;

type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An OpenPose frame: a dict with a `people` list (OpenPose, sd-webui and ComfyUI editors). */
export const isOpenPoseFrame = (value: unknown): value is JsonObject =>
  isJsonObject(value) && Array.isArray(value['people']);

const isOpenPosePerson = (value: unknown): value is JsonObject =>
  isJsonObject(value) && (Array.isArray(value['pose_keypoints_2d']) || Array.isArray(value['pose_keypoints']));

/**
 * The frames of an OpenPose document in any of its shapes: one frame, a list
 * of frames (ComfyUI), or bare people (one person object, or a list of them,
 * as some exporters write). Undefined when the document is none of these.
 */
export function openPoseFrames(document: unknown): JsonObject[] | undefined {
  if (isOpenPoseFrame(document)) return [document];
  if (isOpenPosePerson(document)) return [{ people: [document] }];
  if (!Array.isArray(document) || document.length === 0) return undefined;
  if (document.every(isOpenPoseFrame)) return document;
  if (document.every(isOpenPosePerson)) return [{ people: document }];
  return undefined;
}

/**
 * Reads the people of one frame. Handles `pose_keypoints_2d` and the v1.0
 * `pose_keypoints`, flat lists and `[x, y, c]` triplets, 18 and 25 joints.
 */
export function readOpenPoseFrame(frame: JsonObject): OpenPosePerson[] {
  const canvas = readCanvas(frame['canvas_width'], frame['canvas_height']);
  return (frame['people'] as unknown[]).map((person) => readPerson(person, canvas));
}

function readPerson(person: unknown, canvas: Canvas | undefined): OpenPosePerson {
  if (!isJsonObject(person)) return { reason: 'person is not an object' };
  const values = person['pose_keypoints_2d'] ?? person['pose_keypoints'];
  if (values === undefined || values === null) {
    return { reason: 'person has no pose_keypoints_2d (or legacy pose_keypoints)' };
  }
  const flat = flattenKeypoints(values);
  if (typeof flat === 'string') return { reason: flat };
  if (flat.length === 0) return { reason: 'pose_keypoints_2d is empty' };
  if (flat.length % 3 !== 0)
    return { reason: `pose_keypoints_2d has ${flat.length} numbers, not a multiple of 3 (x, y, c)` };
  const joints: RawJoint[] = [];
  for (let index = 0; index < flat.length; index += 3) {
    joints.push({ x: flat[index], y: flat[index + 1], c: flat[index + 2] });
  }
  if (joints.length === 18) return { joints, canvas };
  if (joints.length === 25)
    return { joints: isBody25(joints) ? BODY_25_TO_18.map((index) => joints[index]) : joints.slice(0, 18), canvas };
  return { reason: `pose_keypoints_2d has ${joints.length} joints; expected 18 (BODY_18/COCO-18) or 25 (BODY_25)` };
}

/** Accepts a flat number list or a list of [x, y, c] triplets; returns a reason when it is neither. */
function flattenKeypoints(values: unknown): number[] | string {
  if (!Array.isArray(values)) return 'pose_keypoints_2d is not a list';
  const nested = values.length > 0 && values.every(Array.isArray);
  if (nested && !(values as unknown[][]).every((triplet) => triplet.length === 3)) {
    return 'pose_keypoints_2d triplets must each be [x, y, c]';
  }
  // Some exporters write NaN as null: a missing value, so a missing joint.
  const flat: unknown[] = (nested ? (values as unknown[][]).flat() : values).map((value) => value ?? 0);
  if (!flat.every((value) => typeof value === 'number' && Number.isFinite(value))) {
    return 'pose_keypoints_2d holds a value that is not a finite number';
  }
  return flat as number[];
}

/**
 * 25 joints are usually BODY_25, but ComfyUI editors pad COCO-18 to 25 with
 * zeros. Foot points (19..24) or the left ear (18) give BODY_25 away; when all
 * of those are zero, joint 8 is BODY_25's mid-hip only if it sits between the
 * two hips (in padded COCO-18, 8 is the right hip and 9, 12 are the knees).
 */
function isBody25(joints: readonly RawJoint[]): boolean {
  if (joints.slice(18).some((joint) => joint.c > 0)) return true;
  const [midHip, rightHip, leftHip] = [BODY_25_MID_HIP, BODY_25_RIGHT_HIP, BODY_25_LEFT_HIP].map(
    (index) => joints[index],
  );
  if (!(midHip.c > 0 && rightHip.c > 0 && leftHip.c > 0)) return false;
  const hipSpan = Math.hypot(rightHip.x - leftHip.x, rightHip.y - leftHip.y);
  const offCentre = Math.hypot(midHip.x - (rightHip.x + leftHip.x) / 2, midHip.y - (rightHip.y + leftHip.y) / 2);
  return offCentre <= 0.25 * hipSpan;
}
