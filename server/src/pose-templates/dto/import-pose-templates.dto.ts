import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { CATEGORY_MESSAGE, CATEGORY_PATTERN } from './create-pose-template.dto.js';

/** The text fields of an import. */
export class ImportPoseTemplatesFieldsDto {
  /** The category every imported template gets, `<use-case>-<family>`. */
  @IsString()
  @Matches(CATEGORY_PATTERN, { message: CATEGORY_MESSAGE })
  @Length(3, 60)
  @ApiProperty({ example: 'fashion-imported' })
  category!: string;

  /** Comma-separated tags for every imported template. */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,39}(,[a-z0-9][a-z0-9-]{0,39}){0,19}$/, {
    message: 'tags must be up to 20 comma-separated tags of lower-case letters, digits and hyphens',
  })
  tags?: string;
}

/** multipart/form-data: one or more `files` parts (OpenPose or COCO JSON) plus the text fields. */
export class ImportPoseTemplatesDto extends ImportPoseTemplatesFieldsDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'string', format: 'binary' },
    description: 'OpenPose or COCO keypoint JSON files.',
  })
  files!: Blob[];
}

export class ImportedPoseTemplateDto {
  id!: string;
  file!: string;
  /** The person's index in the file, or the annotation id for COCO. */
  person!: number;
}

export class RejectedPoseDto {
  file!: string;
  /** The person's index (or COCO annotation id); null when the whole file is refused. */
  person!: number | null;
  reason!: string;
}

export class PoseImportResultDto {
  imported!: ImportedPoseTemplateDto[];
  rejected!: RejectedPoseDto[];
}
