import type { Keypoint } from '../pose-templates/skeleton/keypoints.js';
import { PoseDetectorDisabledError } from './pose-detector-errors.js';

export interface NormalisedBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DetectedPerson {
  /** The person's overall score, 0..1 (documented: how it is computed). */
  score: number;
  /** Normalised 0..1 to the EXIF-oriented image. */
  box: NormalisedBox;
  /** 18 BODY_18 keypoints (server/src/pose-templates/skeleton/keypoints.ts order), x/y normalised 0..1 to the oriented image; c = confidence, 0 when under the documented threshold (missing). */
  keypoints: Keypoint[];
}

export interface PoseDetectionResult {
  /** Pixel size of the EXIF-oriented input image (not the shrunk copy). */
  width: number;
  height: number;
  /** Most prominent first; [] when nobody passes the documented person rule. */
  people: DetectedPerson[];
}

export interface PoseDetector {
  /** False when POSE_DETECTOR=off: callers skip detection (the route answers 503 problem `pose_detector_disabled`). */
  readonly available: boolean;
  /** Image bytes that already passed upload safety or came from a provider (JPEG/PNG/WebP). */
  detect(image: Buffer): Promise<PoseDetectionResult>;
}

/** Nest injection token; VisionModule provides and exports it. */
export const POSE_DETECTOR = Symbol('POSE_DETECTOR');

/** POSE_DETECTOR=off: nothing loads, callers check `available` and skip detection. */
export class DisabledPoseDetector implements PoseDetector {
  readonly available = false;

  detect(): Promise<PoseDetectionResult> {
    return Promise.reject(new PoseDetectorDisabledError());
  }
}
