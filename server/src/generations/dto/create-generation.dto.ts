import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOmittable } from '../../common/validation/is-omittable.js';
import { Gender, IdentityMode } from '../../generated/prisma/enums.js';

export const PROVIDER_NAMES = ['local-preview', 'huggingface', 'fal', 'replicate'] as const;
export type ProviderChoice = (typeof PROVIDER_NAMES)[number];
export const MIN_SIDE = 256;
export const MAX_SIDE = 2048;

export class GenerationPromptDto {
  /** Words added to the prompt built from the brand kit, product and avatar. */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  extra?: string;

  /** Words added to the negative prompt. */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  negative?: string;
}

/**
 * The body Swagger UI prefills: one batch by category. The ids are placeholders; put in your avatar's and
 * product's (each create answer shows them).
 */
export const CREATE_GENERATION_EXAMPLE = {
  avatarId: '5f0c6a9e-3f1d-4c2b-9a51-7d8e2b1c4a10',
  productId: '9b7e4d21-6a3c-4f8e-b2d5-1c0a9e8f7b32',
  distribution: { 'fashion-standing': 4, 'fashion-walking': 2 },
  seed: 42,
};

export class CreateGenerationDto {
  @IsUUID()
  avatarId!: string;

  @IsUUID()
  productId!: string;

  @IsOptional()
  @IsUUID()
  projectId?: string;

  /** Defaults to the avatar's brand kit. */
  @IsOptional()
  @IsUUID()
  brandKitId?: string;

  /**
   * Poses per category or use-case prefix, e.g. `{"fashion-standing": 50, "fashion-walking": 30}`.
   * Give this or `poseTemplateIds`.
   */
  @IsOmittable()
  @IsObject()
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'integer', minimum: 1 } })
  distribution?: Record<string, number>;

  /**
   * Whose templates `distribution` draws from: `female` or `male` takes that gender's templates plus the
   * unisex ones, `unisex` takes every template. Defaults to the avatar's gender (every template when the
   * avatar has none). Explicit `poseTemplateIds` are used as given.
   */
  @IsOptional()
  @IsEnum(Gender)
  @ApiPropertyOptional({ enum: Gender, enumName: 'Gender' })
  gender?: Gender;

  /** Exact templates, one slot each (repeat an id for several). Give this or `distribution`. */
  @IsOmittable()
  @ArrayMinSize(1)
  @ArrayMaxSize(100_000)
  @IsUUID('all', { each: true })
  poseTemplateIds?: string[];

  /** One provider instead of the configured failover chain. */
  @IsOptional()
  @IsIn(PROVIDER_NAMES)
  @ApiPropertyOptional({ enum: PROVIDER_NAMES, enumName: 'ProviderName' })
  provider?: ProviderChoice;

  @IsOptional()
  @ValidateNested()
  @Type(() => GenerationPromptDto)
  prompt?: GenerationPromptDto;

  /** Makes template choice and every slot's seed reproducible. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  seed?: number;

  @IsOptional()
  @IsInt()
  @Min(MIN_SIDE)
  @Max(MAX_SIDE)
  width?: number;

  @IsOptional()
  @IsInt()
  @Min(MIN_SIDE)
  @Max(MAX_SIDE)
  height?: number;

  /**
   * `avatar` sends the avatar to routes that take a reference image, so the person looks like it; `none`
   * renders from the skeleton and the prompt alone. Each pose records what its route used.
   */
  @IsOptional()
  @IsEnum(IdentityMode)
  @ApiPropertyOptional({ enum: IdentityMode, enumName: 'IdentityMode', default: IdentityMode.avatar })
  identity?: IdentityMode;

  /**
   * Composite the product's cutout onto each hosted render at its placement point (default true); turn it off
   * for routes that take the product themselves.
   */
  @IsOptional()
  @IsBoolean()
  compositeProduct?: boolean;

  /** Called with `generation.completed` when the batch ends. */
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  webhookUrl?: string;
}
