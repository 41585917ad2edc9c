import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsNumber, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto.js';
import { GenerationStatus } from '../../generated/prisma/enums.js';

class GenerationFiltersDto {
  @IsOptional()
  @IsUUID()
  projectId?: string;

  @IsOptional()
  @IsEnum(GenerationStatus)
  @ApiPropertyOptional({ enum: GenerationStatus, enumName: 'GenerationStatus' })
  status?: GenerationStatus;
}

export class ListGenerationsQueryDto extends IntersectionType(PaginationQueryDto, GenerationFiltersDto) {}

export class ListGenerationPosesQueryDto extends PaginationQueryDto {
  /** Only poses whose qualityScore is at least this (0-1); unscored poses are left out when it is set. */
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  minQualityScore?: number;
}
