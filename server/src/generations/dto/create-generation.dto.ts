import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
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
  @IsOptional()
  @IsObject()
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'integer', minimum: 1 } })
  distribution?: Record<string, number>;

  /** Exact templates, one slot each (repeat an id for several). Give this or `distribution`. */
  @IsOptional()
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

  /** Called with `generation.completed` when the batch ends. */
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  webhookUrl?: string;
}
