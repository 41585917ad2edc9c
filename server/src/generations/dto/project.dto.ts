import { PartialType } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';

export class CreateProjectDto {
  @IsString()
  @Length(1, 120)
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @IsOptional()
  @IsUUID()
  brandKitId?: string;
}

export class UpdateProjectDto extends PartialType(CreateProjectDto, { skipNullProperties: false }) {}

export class ProjectDto {
  id!: string;
  name!: string;
  description!: string | null;
  brandKitId!: string | null;
  createdAt!: string;
  updatedAt!: string;
}

export class ProjectListDto {
  data!: ProjectDto[];
  nextCursor!: string | null;
}
