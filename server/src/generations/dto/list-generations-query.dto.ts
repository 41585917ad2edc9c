import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
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
