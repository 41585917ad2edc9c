import { PartialType } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { IsOmittable } from '../../common/validation/is-omittable.js';
import { AvatarFieldsDto } from './create-avatar.dto.js';

/** Changes the given fields only; the photo itself is replaced by uploading a new avatar. */
export class UpdateAvatarDto extends PartialType(AvatarFieldsDto, { skipNullProperties: false }) {
  /** Moves the avatar to another of your brand kits. */
  @IsOmittable()
  @IsUUID()
  brandKitId?: string;
}
