import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export class FontDto {
  /** Font family name, e.g. "Inter". */
  @IsString()
  @Length(1, 100)
  family!: string;

  /** Weights used, 100-900. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(9)
  @IsInt({ each: true })
  @Min(100, { each: true })
  @Max(900, { each: true })
  weights!: number[];
}

export class CreateBrandKitDto {
  @IsString()
  @Length(1, 120)
  brandName!: string;

  /** Brand colours as `#RRGGBB`. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @Matches(/^#[0-9A-Fa-f]{6}$/, { each: true, message: 'each value in colors must be a #RRGGBB colour' })
  colors?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @ValidateNested({ each: true })
  @Type(() => FontDto)
  fonts?: FontDto[];

  /** What the brand sells, e.g. "skincare" or "fashion". */
  @IsOptional()
  @IsString()
  @Length(1, 60)
  category?: string;

  /** The voice used in prompts, e.g. "minimal, warm". */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  tone?: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  tagline?: string;

  /** Make this the user's default kit. The first kit is the default anyway. */
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;
}
