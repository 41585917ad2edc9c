import { ApiProperty } from '@nestjs/swagger';
import { BackgroundRemovalStatus } from '../../generated/prisma/enums.js';

export class BackgroundRemovalDto {
  /** `succeeded` with a cutout, `failed` when no method could separate the product, `skipped` on request. */
  @ApiProperty({ enum: BackgroundRemovalStatus, enumName: 'BackgroundRemovalStatus' })
  status!: BackgroundRemovalStatus;
  /** `local` or `huggingface`; null when skipped. */
  method!: string | null;
}

export class ProductDto {
  id!: string;
  brandKitId!: string;
  name!: string;
  category!: string | null;
  subcategory!: string | null;
  productType!: string | null;
  placement!: string | null;
  /** `#RRGGBB` of the product itself, not of its background. */
  dominantColor!: string | null;
  /** Signed URL of the upright, metadata-free photo; loads without an API key until it expires (1 hour). */
  originalUrl!: string;
  /** Signed URL of the PNG cutout with a transparent background; null unless background removal succeeded. */
  cutoutUrl!: string | null;
  /** Signed URL of a WebP thumbnail, 256 px on the long side. */
  thumbnailUrl!: string;
  width!: number;
  height!: number;
  backgroundRemoval!: BackgroundRemovalDto;
  createdAt!: string;
  updatedAt!: string;
}

export class ProductListDto {
  data!: ProductDto[];
  nextCursor!: string | null;
}
