import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { PoseSlotStatus } from '../../generated/prisma/enums.js';

export class GeneratedPoseDto {
  id!: string;
  generationId!: string;
  poseTemplateId!: string;
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
