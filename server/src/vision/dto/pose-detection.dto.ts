import { ApiProperty } from '@nestjs/swagger';
import { KeypointDto } from '../../pose-templates/dto/keypoint.dto.js';

/** A box normalised 0..1 to the upright (EXIF-oriented) image. */
export class NormalisedBoxDto {
  /** Left edge, 0 (image left) to 1 (image right). */
  x!: number;
  /** Top edge, 0 (image top) to 1 (image bottom). */
  y!: number;
  width!: number;
  height!: number;
}

export class DetectedPersonDto {
  /** Mean MoveNet score of the 17 COCO keypoints, 0..1; the person rule needs at least 0.25. */
  score!: number;
  /** Around the found joints with a 10% margin, normalised to the upright image. */
  box!: NormalisedBoxDto;
  /**
   * 18 OpenPose body joints (the pose templates' order), normalised to the upright image; `c` is MoveNet's
   * score, 0 for a joint scored under 0.3 (missing). The neck is the midpoint of the shoulders.
   */
  @ApiProperty({ type: [KeypointDto], minItems: 18, maxItems: 18 })
  keypoints!: KeypointDto[];
}

export class PoseDetectionDto {
  /** Pixel width of the upright (EXIF-oriented) image that was sent. */
  width!: number;
  /** Pixel height of the upright image. */
  height!: number;
  /** The person found, most prominent first; empty when nobody passes the person rule. */
  people!: DetectedPersonDto[];
}

/** multipart/form-data: the photo in `file`. */
export class CreatePoseDetectionUploadDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The photo: JPEG, PNG or WebP.' })
  file!: Blob;
}
