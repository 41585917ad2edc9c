import type { OnModuleDestroy } from '@nestjs/common';
import sharp from 'sharp';
import { DEFAULT_MAX_INPUT_PIXELS } from '../media/image-pipeline.js';
import { personFromMovenet } from './detected-person.js';
import { MovenetThread } from './movenet-thread.js';
import { PoseDetectorBusyError, UndecodableImageError } from './pose-detector-errors.js';
import type { PoseDetectionResult, PoseDetector } from './pose-detector.js';

/** Inputs are shrunk to this long side before inference: MoveNet sees 192 px crops, more only costs memory. */
export const MAX_DETECTION_SIDE = 1024;

/**
 * MoveNet single-pose Lightning in a worker thread (see movenet-worker.ts). At most one person per image: the
 * most prominent, when the scores pass PERSON_RULE.
 */
export class MovenetPoseDetector implements PoseDetector, OnModuleDestroy {
  readonly available = true;
  private readonly thread = new MovenetThread();
  /** Detections decoding, waiting or running. */
  private inProgress = 0;

  /** @param queueLimit detections that may wait while one runs; more are refused with PoseDetectorBusyError. */
  constructor(private readonly queueLimit: number) {}

  async detect(image: Buffer): Promise<PoseDetectionResult> {
    if (this.inProgress > this.queueLimit) throw new PoseDetectorBusyError(this.queueLimit);
    this.inProgress++;
    try {
      const { width, height, frame } = await shrinkUpright(image);
      const person = personFromMovenet(await this.thread.infer(frame));
      return { width, height, people: person ? [person] : [] };
    } finally {
      this.inProgress--;
    }
  }

  /** Terminates the worker thread; a later detect() would start a new one. */
  close(): Promise<void> {
    return this.thread.close();
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }
}

/** Decodes strictly, turns the image upright from its EXIF orientation and shrinks it to raw RGB. */
async function shrinkUpright(image: Buffer) {
  try {
    const decoder = sharp(image, { failOn: 'warning', limitInputPixels: DEFAULT_MAX_INPUT_PIXELS });
    const { autoOrient } = await decoder.metadata();
    const { data, info } = await decoder
      .rotate()
      .resize({ width: MAX_DETECTION_SIDE, height: MAX_DETECTION_SIDE, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      width: autoOrient.width,
      height: autoOrient.height,
      // A copy the worker thread can own: sharp's buffers cannot always be transferred.
      frame: { pixels: new Uint8Array(data), width: info.width, height: info.height },
    };
  } catch (error) {
    throw new UndecodableImageError(error instanceof Error ? error.message.split('\n')[0] : String(error));
  }
}
