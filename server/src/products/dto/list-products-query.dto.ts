import { IsOptional, IsUUID } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto.js';

export class ListProductsQueryDto extends PaginationQueryDto {
  /** Only the products of this brand kit. */
  @IsOptional()
  @IsUUID()
  brandKitId?: string;
}
