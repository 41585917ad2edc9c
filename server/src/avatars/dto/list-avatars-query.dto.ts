import { IsOptional, IsUUID } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto.js';

export class ListAvatarsQueryDto extends PaginationQueryDto {
  /** Only the avatars of this brand kit. */
  @IsOptional()
  @IsUUID()
  brandKitId?: string;
}
