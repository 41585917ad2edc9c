import { isCocoDocument, isCocoResults, readCocoDocument, readCocoResults } from './coco-format.js';
import { isJsonObject, isOpenPoseFrame, openPoseFrames, readOpenPoseFrame } from './openpose-format.js';
import { normalisePerson, type RawJoint } from './person-normalisation.js';
import type { Canvas, Keypoint } from '../skeleton/keypoints.js';

export type PoseFileFormat = 'openpose' | 'openpose-frames' | 'coco' | 'coco-results';

export interface ImportedPose {
  file: string;
  /** Index of the person in the file (counted across frames), or the COCO annotation id. */
  person: number;
  format: PoseFileFormat;
  keypoints: Keypoint[];
  canvas: Canvas;
}

export interface RejectedPose {
  file: string;
  /** null when the whole file is refused. */
  person: number | null;
  reason: string;
}

export interface PoseFileImport {
  imported: ImportedPose[];
  rejected: RejectedPose[];
}

type ReadPerson =
  { person: number; joints: RawJoint[]; canvas: Canvas | undefined } | { person: number; reason: string };

/** Recognises a pose document from its content, whatever the file is called. */
export function detectPoseFormat(document: unknown): PoseFileFormat | undefined {
  if (openPoseFrames(document))
    return Array.isArray(document) && document.every(isOpenPoseFrame) ? 'openpose-frames' : 'openpose';
  if (isCocoDocument(document)) return 'coco';
  if (isCocoResults(document)) return 'coco-results';
  return undefined;
}

/**
 * Imports every person of one OpenPose or COCO file. Each refused person, or
 * the whole file when it is not a pose file, gets one reason.
 */
export function importPoseFile(file: string, content: Buffer | string): PoseFileImport {
  const text = (typeof content === 'string' ? content : content.toString('utf8')).replace(/^\uFEFF/, '');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return refuseFile(file, `not valid JSON (${(error as Error).message})`);
  }
  const format = detectPoseFormat(document);
  if (format === undefined) return refuseFile(file, `not a pose file: ${describeNonPose(document)}`);

  const people = readPeople(format, document);
  if (people.length === 0) return refuseFile(file, 'the file holds no person');
  const result: PoseFileImport = { imported: [], rejected: [] };
  for (const read of people) {
    if ('reason' in read) {
      result.rejected.push({ file, person: read.person, reason: read.reason });
      continue;
    }
    const normalised = normalisePerson(read.joints, read.canvas);
    if ('reason' in normalised) result.rejected.push({ file, person: read.person, reason: normalised.reason });
    else result.imported.push({ file, person: read.person, format, ...normalised });
  }
  return result;
}

function readPeople(format: PoseFileFormat, document: unknown): ReadPerson[] {
  switch (format) {
    case 'openpose':
    case 'openpose-frames':
      return openPoseFrames(document)!
        .flatMap(readOpenPoseFrame)
        .map((read, person) => ({ person, ...read }));
    case 'coco':
      return readCocoDocument(document as Record<string, unknown>);
    case 'coco-results':
      return readCocoResults(document as Record<string, unknown>[]);
  }
}

function refuseFile(file: string, reason: string): PoseFileImport {
  return { imported: [], rejected: [{ file, person: null, reason }] };
}

function describeNonPose(document: unknown): string {
  const expected =
    'expected an OpenPose document (a "people" list), a list of OpenPose frames, or COCO keypoints ("annotations")';
  if (isJsonObject(document)) {
    const keys = Object.keys(document);
    return `${expected}; found an object with ${keys.length === 0 ? 'no keys' : `keys ${keys.slice(0, 8).join(', ')}`}`;
  }
  if (Array.isArray(document)) return `${expected}; found a list of ${document.length} other items`;
  return `${expected}; found ${document === null ? 'null' : `a ${typeof document}`}`;
}
