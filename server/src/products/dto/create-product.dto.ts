import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUUID, Length } from 'class-validator';

/** The text fields of a product, shared by creation (multipart) and updates (JSON). */
export class ProductFieldsDto {
  @IsString()
  @Length(1, 120)
  @ApiProperty({ example: 'Vitamin C serum 30 ml' })
  name!: string;

  /** E.g. "skincare". */
  @IsOptional()
  @IsString()
  @Length(1, 80)
  category?: string;

  /** E.g. "serum". */
  @IsOptional()
  @IsString()
  @Length(1, 80)
  subcategory?: string;

  /** E.g. "bottle". */
  @IsOptional()
  @IsString()
  @Length(1, 80)
  productType?: string;

  /** Where the product sits on the body: hand-left, hand-right, both-hands, worn, near-face... */
  @IsOptional()
  @IsString()
  @Length(1, 40)
  placement?: string;
}

/** The text fields of the multipart upload, validated once the file has been read. */
export class CreateProductDto extends ProductFieldsDto {
  /** The brand kit the product belongs to. */
  @IsUUID()
  brandKitId!: string;

  /** Cut the product out of its background (default true). Form fields are text: "true" or "false". */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  removeBackground?: boolean;
}

/** multipart/form-data: the photo in `file` (JPEG, PNG or WebP, at most MAX_PRODUCT_SIZE_MB) plus the text fields. */
export class CreateProductUploadDto extends CreateProductDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The product photo: JPEG, PNG or WebP.' })
  file!: Blob;
}
