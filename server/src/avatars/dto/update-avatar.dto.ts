import { PartialType } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { AvatarFieldsDto } from './create-avatar.dto.js';

/** Changes the given fields only; the photo itself is replaced by uploading a new avatar. */
export class UpdateAvatarDto extends PartialType(AvatarFieldsDto) {
  /** Moves the avatar to another of your brand kits. */
  @IsOptional()
  @IsUUID()
  brandKitId?: string;
}
