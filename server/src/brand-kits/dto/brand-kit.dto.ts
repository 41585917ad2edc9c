export class BrandKitFontDto {
  family!: string;
  weights!: number[];
}

export class BrandKitDto {
  id!: string;
  brandName!: string;
  /** `#RRGGBB` colours. */
  colors!: string[];
  fonts!: BrandKitFontDto[];
  category!: string | null;
  tone!: string | null;
  tagline!: string | null;
  /** At most one kit per user is the default. */
  isDefault!: boolean;
  createdAt!: string;
  updatedAt!: string;
}

export class BrandKitListDto {
  data!: BrandKitDto[];
  nextCursor!: string | null;
}
