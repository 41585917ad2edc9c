import { PartialType } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { ProductFieldsDto } from './create-product.dto.js';

/** Changes the given fields only; the photo itself is replaced by uploading a new product. */
export class UpdateProductDto extends PartialType(ProductFieldsDto) {
  /** Moves the product to another of your brand kits. */
  @IsOptional()
  @IsUUID()
  brandKitId?: string;
}
