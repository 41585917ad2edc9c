import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { MediaModule } from '../media/media.module.js';
import { MovenetPoseDetector } from './movenet-pose-detector.js';
import { DisabledPoseDetector, POSE_DETECTOR, type PoseDetector } from './pose-detector.js';
import { PoseDetectionsController } from './pose-detections.controller.js';
import { PoseDetectionsService } from './pose-detections.service.js';

/**
 * The pose detector (POSE_DETECTOR=movenet|off) and `POST /v1/pose-detections`. Nothing loads at start-up: the
 * MoveNet thread starts on the first detection and is terminated when the module is destroyed.
 */
@Module({
  imports: [MediaModule],
  controllers: [PoseDetectionsController],
  providers: [
    {
      provide: POSE_DETECTOR,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): PoseDetector =>
        config.poseDetector.kind === 'off'
          ? new DisabledPoseDetector()
          : new MovenetPoseDetector(config.poseDetector.queueLimit),
    },
    PoseDetectionsService,
  ],
  exports: [POSE_DETECTOR, PoseDetectionsService],
})
export class VisionModule {}
