import { ApiProperty } from '@nestjs/swagger';
import { AvatarSourceType, Gender } from '../../generated/prisma/enums.js';

export class AvatarDto {
  id!: string;
  brandKitId!: string;
  name!: string;
  @ApiProperty({ enum: Gender, enumName: 'Gender', nullable: true })
  gender!: Gender | null;
  ageRange!: string | null;
  style!: string | null;
  ethnicity!: string | null;
  @ApiProperty({ enum: AvatarSourceType, enumName: 'AvatarSourceType' })
  sourceType!: AvatarSourceType;
  /** Signed URL of the upright, metadata-free photo; loads without an API key until it expires (1 hour). */
  imageUrl!: string;
  /** Signed URL of a WebP thumbnail, 256 px on the long side. */
  thumbnailUrl!: string;
  /** Pixel size of the stored (upright) photo. */
  width!: number;
  height!: number;
  createdAt!: string;
  updatedAt!: string;
}

export class AvatarListDto {
  data!: AvatarDto[];
  nextCursor!: string | null;
}
