import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { readImageUpload } from '../media/image-upload.js';
import { CreatePoseDetectionUploadDto, PoseDetectionDto } from './dto/pose-detection.dto.js';
import { PoseDetectionsService } from './pose-detections.service.js';

@ApiTags('pose-detections')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('v1/pose-detections')
export class PoseDetectionsController {
  constructor(private readonly poseDetections: PoseDetectionsService) {}

  /**
   * Finds the pose of the most prominent person in a photo.
   *
   * The image is checked as uploads are (type sniffed from its bytes, pixel bound, strict decode), turned
   * upright from its EXIF orientation and run through MoveNet; box and keypoints are normalised to the upright
   * image. `people` is empty when nobody is there. Nothing is stored. 503 `pose_detector_disabled` when the
   * server runs without a detector, 503 `pose_detector_busy` (with Retry-After) when its queue is full.
   */
  @Post()
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreatePoseDetectionUploadDto })
  @ApiProblems(413, 415, 422, 503)
  async createPoseDetection(@Req() request: FastifyRequest): Promise<PoseDetectionDto> {
    this.poseDetections.requireAvailable();
    const { file } = await readImageUpload(request, this.poseDetections.maxUploadBytes);
    return this.poseDetections.detect(file);
  }
}
