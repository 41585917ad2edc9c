import { PartialType } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { IsOmittable } from '../../common/validation/is-omittable.js';
import { ProductFieldsDto } from './create-product.dto.js';

/** Changes the given fields only; the photo itself is replaced by uploading a new product. */
export class UpdateProductDto extends PartialType(ProductFieldsDto, { skipNullProperties: false }) {
  /** Moves the product to another of your brand kits. */
  @IsOmittable()
  @IsUUID()
  brandKitId?: string;
}
