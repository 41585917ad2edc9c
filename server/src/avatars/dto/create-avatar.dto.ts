import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { Gender } from '../../generated/prisma/enums.js';

/** The text fields of an avatar, shared by creation (multipart) and updates (JSON). */
export class AvatarFieldsDto {
  @IsString()
  @Length(1, 120)
  @ApiProperty({ example: 'Ayu, studio model' })
  name!: string;

  @IsOptional()
  @IsIn(Object.values(Gender))
  @ApiProperty({ enum: Gender, enumName: 'Gender', required: false })
  gender?: Gender;

  /** E.g. "25-34". */
  @IsOptional()
  @IsString()
  @Length(1, 40)
  ageRange?: string;

  /** E.g. "casual", "editorial". */
  @IsOptional()
  @IsString()
  @Length(1, 80)
  style?: string;

  @IsOptional()
  @IsString()
  @Length(1, 80)
  ethnicity?: string;
}

/** The text fields of the multipart upload, validated once the file has been read. */
export class CreateAvatarDto extends AvatarFieldsDto {
  /** The brand kit the avatar belongs to. */
  @IsUUID()
  brandKitId!: string;
}

/** multipart/form-data: the photo in `file` (JPEG, PNG or WebP, at most MAX_AVATAR_SIZE_MB) plus the text fields. */
export class CreateAvatarUploadDto extends CreateAvatarDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The model photo: JPEG, PNG or WebP.' })
  file!: Blob;
}
