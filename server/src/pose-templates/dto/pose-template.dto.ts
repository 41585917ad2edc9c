import { ApiProperty } from '@nestjs/swagger';
import { Gender, PoseDifficulty, PoseTemplateSource } from '../../generated/prisma/enums.js';
import { PRODUCT_PLACEMENTS, type ProductPlacement } from '../skeleton/pose-descriptors.js';
import { CanvasDto, KeypointDto } from './keypoint.dto.js';

export class PoseTemplateDto {
  id!: string;
  name!: string;
  /** `<use-case>-<family>`, e.g. `fashion-standing`. */
  category!: string;
  /** The part of the category before the first hyphen, e.g. `fashion`. */
  useCase!: string;
  subcategory!: string | null;
  tags!: string[];
  @ApiProperty({ enum: Gender, enumName: 'Gender' })
  gender!: Gender;
  /** Where a product naturally sits in this pose; derived from the geometry unless set. */
  @ApiProperty({ enum: PRODUCT_PLACEMENTS, enumName: 'ProductPlacement', nullable: true })
  productPlacement!: ProductPlacement | null;
  @ApiProperty({ enum: PoseDifficulty, enumName: 'PoseDifficulty' })
  difficulty!: PoseDifficulty;
  /** 18 OpenPose body joints: nose, neck, right shoulder/elbow/wrist, left shoulder/elbow/wrist, right hip/knee/ankle, left hip/knee/ankle, right eye, left eye, right ear, left ear. */
  @ApiProperty({ type: [KeypointDto], minItems: 18, maxItems: 18 })
  keypoints!: KeypointDto[];
  canvas!: CanvasDto;
  /**
   * The template's control image (PNG) at its own canvas size, relative to the API's base URL, e.g.
   * `/v1/pose-templates/<id>/control-image`. Like every /v1 route it needs your key or a client token;
   * add `?width=&height=` for another size.
   */
  controlImageUrl!: string;
  /** `builtin` and `dataset` templates form the shared, read-only library; `import` and `user` ones are yours. */
  @ApiProperty({ enum: PoseTemplateSource, enumName: 'PoseTemplateSource' })
  source!: PoseTemplateSource;
  /** True for the shared library, which every user sees and nobody can change. */
  shared!: boolean;
  /** False once retired: hidden from lists and selection, still readable for past generations. */
  isActive!: boolean;
  usageCount!: number;
  /** Share of generations with this template that succeeded, 0-1. */
  successRate!: number;
  avgQualityScore!: number | null;
  createdAt!: string;
  updatedAt!: string;
}

export class PoseTemplateListDto {
  data!: PoseTemplateDto[];
  nextCursor!: string | null;
}

export class PoseTemplateCategoryDto {
  category!: string;
  useCase!: string;
  /** Active templates you can use in this category (shared and your own). */
  count!: number;
}

export class PoseTemplateCategoryListDto {
  data!: PoseTemplateCategoryDto[];
}

export class SimilarPoseTemplateDto extends PoseTemplateDto {
  /** Mean joint distance in torso lengths after removing position and scale; 0 is the same pose. */
  distance!: number;
  /** True when the template matched as a mirror image (only with `mirror=true`). */
  mirrored!: boolean;
}

export class SimilarPoseTemplateListDto {
  data!: SimilarPoseTemplateDto[];
}
