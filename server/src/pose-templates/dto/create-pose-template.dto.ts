import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { IsOmittable } from '../../common/validation/is-omittable.js';
import { Gender, PoseDifficulty } from '../../generated/prisma/enums.js';
import { JOINT_COUNT } from '../skeleton/keypoints.js';
import { PRODUCT_PLACEMENTS, type ProductPlacement } from '../skeleton/pose-descriptors.js';
import { CanvasDto, KeypointDto } from './keypoint.dto.js';

export const CATEGORY_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;
export const CATEGORY_MESSAGE = 'category must be <use-case>-<family> in lower-case kebab case, e.g. fashion-standing';
export const TAG_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const TAG_MESSAGE = 'each tag must be lower-case letters, digits and hyphens (at most 40)';

/** The descriptive fields of a template, shared by creation, updates and imports. */
export class PoseTemplateFieldsDto {
  @IsString()
  @Length(1, 120)
  name!: string;

  /** `<use-case>-<family>`, e.g. `fashion-standing`. */
  @IsString()
  @Matches(CATEGORY_PATTERN, { message: CATEGORY_MESSAGE })
  @Length(3, 60)
  category!: string;

  @IsOptional()
  @IsString()
  @Length(1, 60)
  subcategory?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(TAG_PATTERN, { each: true, message: TAG_MESSAGE })
  tags?: string[];

  @IsOmittable()
  @IsIn(Object.values(Gender))
  @ApiProperty({ enum: Gender, enumName: 'Gender', required: false, default: Gender.unisex })
  gender?: Gender;

  /** Derived from the geometry when left out. */
  @IsOptional()
  @IsIn(PRODUCT_PLACEMENTS)
  @ApiProperty({ enum: PRODUCT_PLACEMENTS, enumName: 'ProductPlacement', required: false })
  productPlacement?: ProductPlacement;

  /** Derived from the geometry when left out. */
  @IsOmittable()
  @IsIn(Object.values(PoseDifficulty))
  @ApiProperty({ enum: PoseDifficulty, enumName: 'PoseDifficulty', required: false })
  difficulty?: PoseDifficulty;
}

export class CreatePoseTemplateDto extends PoseTemplateFieldsDto {
  /** Exactly 18 joints in OpenPose body order (see PoseTemplate.keypoints); at least four body joints present. */
  @IsArray()
  @ArrayMinSize(JOINT_COUNT)
  @ArrayMaxSize(JOINT_COUNT)
  @ValidateNested({ each: true })
  @Type(() => KeypointDto)
  keypoints!: KeypointDto[];

  @IsObject()
  @ValidateNested()
  @Type(() => CanvasDto)
  canvas!: CanvasDto;
}

/**
 * The optional text fields of `POST /v1/pose-templates/from-photo`; what is left out is derived from the photo
 * (placement) or defaulted (name, category `custom-photo`, gender unisex).
 */
export class PoseTemplateFromPhotoFieldsDto {
  @IsOptional()
  @IsString()
  @Length(1, 120)
  name?: string;

  /** `<use-case>-<family>`; `custom-photo` when left out. */
  @IsOptional()
  @IsString()
  @Matches(CATEGORY_PATTERN, { message: CATEGORY_MESSAGE })
  @Length(3, 60)
  category?: string;

  @IsOptional()
  @IsString()
  @Length(1, 60)
  subcategory?: string;

  @IsOptional()
  @IsIn(Object.values(Gender))
  @ApiProperty({ enum: Gender, enumName: 'Gender', required: false })
  gender?: Gender;

  /** Comma-separated tags. */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,39}(,[a-z0-9][a-z0-9-]{0,39}){0,19}$/, {
    message: 'tags must be up to 20 comma-separated tags of lower-case letters, digits and hyphens',
  })
  tags?: string;

  /** Derived from the detected pose when left out. */
  @IsOptional()
  @IsIn(PRODUCT_PLACEMENTS)
  @ApiProperty({ enum: PRODUCT_PLACEMENTS, enumName: 'ProductPlacement', required: false })
  productPlacement?: ProductPlacement;
}

/** multipart/form-data: the photo in `file` plus the optional text fields. */
export class CreatePoseTemplateFromPhotoDto extends PoseTemplateFromPhotoFieldsDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'A JPEG, PNG or WebP photo of one person.' })
  file!: Blob;
}
