import { ApiProperty } from '@nestjs/swagger';

/** multipart/form-data with the logo in `file`. */
export class UploadBrandKitLogoDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The logo: JPEG, PNG (transparency kept) or WebP.' })
  file!: Blob;
}

export class BrandKitLogoDto {
  brandKitId!: string;
  /** Signed URL of the re-encoded logo; loads without an API key until it expires (1 hour). */
  logoUrl!: string;
  width!: number;
  height!: number;
}
