import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { IdentityMode, PoseSlotStatus } from '../../generated/prisma/enums.js';
import { KeypointDto } from '../../pose-templates/dto/keypoint.dto.js';

export class ProductPlacementDto {
  /** Centre of the product, 0-1 of the output's width. */
  x!: number;
  /** Centre of the product, 0-1 of the output's height. */
  y!: number;
  /** The product's longer side as a share of the output's width. */
  scale!: number;
  /** Degrees clockwise. */
  rotation!: number;
  /** `detected`: placed at the joints found in the render; `requested`: at the asked skeleton's. */
  @ApiProperty({ enum: ['detected', 'requested'], enumName: 'ProductPlacementSource' })
  source!: 'detected' | 'requested';
}

export class GeneratedPoseDto {
  id!: string;
  generationId!: string;
  poseTemplateId!: string;
  /** The template's name and category, so a gallery can label a pose without another request. */
  name!: string;
  category!: string;
  slotIndex!: number;
  @ApiProperty({ enum: PoseSlotStatus, enumName: 'PoseSlotStatus' })
  status!: PoseSlotStatus;
  /** Signed URL of the image, valid for an hour; null until the slot succeeds. */
  outputUrl!: string | null;
  thumbnailUrl!: string | null;
  prompt!: string;
  seed!: number;
  provider!: string | null;
  modelId!: string | null;
  providerJobId!: string | null;
  /** True for the offline local-preview compositor rather than a model render. */
  isPreview!: boolean;
  /** Milliseconds the provider took. */
  generationTime!: number | null;
  /**
   * How well the image keeps the asked pose, 0-1 (`1 - poseError / 60`, at least 0; docs/generations.md);
   * 0 when no person was found; null when not scored (local-preview, or the pose detector is off).
   */
  qualityScore!: number | null;
  /** Mean difference of limb directions between the asked and the detected pose, in degrees. */
  poseError!: number | null;
  /** Renders made for this slot, the first included; the best one is kept. */
  renders!: number;
  /** True when even the best render scored under the quality threshold. */
  lowQuality!: boolean;
  /** The 18 joints found in the image, normalised 0-1 to it; null when not scored or nobody was found. */
  @ApiProperty({ type: [KeypointDto], nullable: true })
  detectedKeypoints!: KeypointDto[] | null;
  /** What the renderer used for the person's look: the avatar as a reference image, or the prompt alone. */
  @ApiProperty({ enum: IdentityMode, enumName: 'IdentityMode', nullable: true })
  identity!: IdentityMode | null;
  /** Where the product was composited onto the render; null when it was not (local-preview, or turned off). */
  @ApiProperty({ type: ProductPlacementDto, nullable: true })
  productPlacement!: ProductPlacementDto | null;
  failureCode!: string | null;
  failureReason!: string | null;
  userRating!: number | null;
  exportCount!: number;
  createdAt!: string;
  completedAt!: string | null;
}

export class GeneratedPoseListDto {
  data!: GeneratedPoseDto[];
  nextCursor!: string | null;
}

export class RateGeneratedPoseDto {
  /** 1 (poor) to 5 (great). */
  @IsInt()
  @Min(1)
  @Max(5)
  userRating!: number;
}

export const EXPORT_FORMATS = {
  'instagram-post': { width: 1080, height: 1080 },
  'instagram-story': { width: 1080, height: 1920 },
  'facebook-post': { width: 1200, height: 630 },
  'whatsapp-status': { width: 1080, height: 1920 },
} as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;
const EXPORT_FORMAT_NAMES = Object.keys(EXPORT_FORMATS) as ExportFormat[];

export class CreateExportDto {
  @IsIn(EXPORT_FORMAT_NAMES)
  @ApiProperty({ enum: EXPORT_FORMAT_NAMES, enumName: 'ExportFormat' })
  format!: ExportFormat;
}

export class PoseExportDto {
  @ApiProperty({ enum: EXPORT_FORMAT_NAMES, enumName: 'ExportFormat' })
  format!: ExportFormat;
  /** Signed URL of the cropped image, valid for an hour. */
  url!: string;
  width!: number;
  height!: number;
}
