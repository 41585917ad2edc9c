import { Inject, Injectable } from '@nestjs/common';
import { ProblemCode, ProblemException } from '../common/errors/problem.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ImagePipeline } from '../media/image-pipeline.js';
import type { PoseDetectionDto } from './dto/pose-detection.dto.js';
import { PoseDetectorBusyError, UndecodableImageError } from './pose-detector-errors.js';
import { POSE_DETECTOR, type PoseDetector } from './pose-detector.js';

/** The detector serves about 15-19 detections a second on two cores: a second frees a dozen places. */
const BUSY_RETRY_AFTER_SECONDS = '1';

/** Finds the pose in an uploaded photo; nothing is stored. */
@Injectable()
export class PoseDetectionsService {
  constructor(
    @Inject(POSE_DETECTOR) private readonly detector: PoseDetector,
    private readonly images: ImagePipeline,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Photos of people are held to the avatar upload limit. */
  get maxUploadBytes(): number {
    return this.config.uploads.maxAvatarBytes;
  }

  /** Refused before the upload is read when the detector is off. */
  requireAvailable(): void {
    if (!this.detector.available) {
      throw new ProblemException(
        503,
        ProblemCode.PoseDetectorDisabled,
        'Pose detection is switched off on this server (POSE_DETECTOR=off).',
      );
    }
  }

  async detect(photo: Buffer): Promise<PoseDetectionDto> {
    this.requireAvailable();
    await this.images.check(photo);
    try {
      return await this.detector.detect(photo);
    } catch (error) {
      if (error instanceof PoseDetectorBusyError) {
        throw new ProblemException(
          503,
          ProblemCode.PoseDetectorBusy,
          `${error.message} Try again shortly.`,
          undefined,
          { 'retry-after': BUSY_RETRY_AFTER_SECONDS },
        );
      }
      if (error instanceof UndecodableImageError) {
        throw new ProblemException(422, ProblemCode.UnprocessableEntity, error.message);
      }
      throw error;
    }
  }
}
