import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto.js';
import { Gender, PoseDifficulty } from '../../generated/prisma/enums.js';
import { PRODUCT_PLACEMENTS, type ProductPlacement } from '../skeleton/pose-descriptors.js';
import { TAG_MESSAGE, TAG_PATTERN } from './create-pose-template.dto.js';

export const POSE_TEMPLATE_SORTS = ['successRate', 'usageCount'] as const;
export type PoseTemplateSort = (typeof POSE_TEMPLATE_SORTS)[number];

/** Filters of the pose library; every filter narrows the list. */
export class PoseTemplateFiltersDto {
  /** A category (`fashion-standing`) or a use case (`fashion`), which matches all its categories. */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { message: 'category must be a use case or <use-case>-<family>' })
  @Length(1, 60)
  category?: string;

  @IsOptional()
  @IsString()
  @Length(1, 60)
  subcategory?: string;

  /** Templates carrying this tag. */
  @IsOptional()
  @Matches(TAG_PATTERN, { message: TAG_MESSAGE })
  tag?: string;

  @IsOptional()
  @IsIn(Object.values(Gender))
  @ApiProperty({ enum: Gender, enumName: 'Gender', required: false })
  gender?: Gender;

  @IsOptional()
  @IsIn(PRODUCT_PLACEMENTS)
  @ApiProperty({ enum: PRODUCT_PLACEMENTS, enumName: 'ProductPlacement', required: false })
  productPlacement?: ProductPlacement;

  @IsOptional()
  @IsIn(Object.values(PoseDifficulty))
  @ApiProperty({ enum: PoseDifficulty, enumName: 'PoseDifficulty', required: false })
  difficulty?: PoseDifficulty;
}

export class ListPoseTemplatesQueryDto extends IntersectionType(PaginationQueryDto, PoseTemplateFiltersDto) {
  /** Highest first; without it, newest first (your own templates before the shared library). */
  @IsOptional()
  @IsIn(POSE_TEMPLATE_SORTS)
  @ApiProperty({ enum: POSE_TEMPLATE_SORTS, enumName: 'PoseTemplateSort', required: false })
  sort?: PoseTemplateSort;
}
