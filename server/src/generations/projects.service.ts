import { Injectable } from '@nestjs/common';
import { ProblemException } from '../common/errors/problem.js';
import { decodeCursor, toPage, type Page } from '../common/pagination/pagination.js';
import type { CreateProjectDto, ProjectDto, UpdateProjectDto } from './dto/project.dto.js';
import { ProjectsRepository } from './projects.repository.js';

type ProjectRow = NonNullable<Awaited<ReturnType<ProjectsRepository['findOwned']>>>;

function toProjectDto(row: ProjectRow): ProjectDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    brandKitId: row.brandKitId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Projects group generations, e.g. one per campaign. */
@Injectable()
export class ProjectsService {
  constructor(private readonly repository: ProjectsRepository) {}

  async create(userId: string, input: CreateProjectDto): Promise<ProjectDto> {
    await this.requireBrandKit(userId, input.brandKitId);
    return toProjectDto(await this.repository.create(userId, input));
  }

  async get(userId: string, id: string): Promise<ProjectDto> {
    return toProjectDto(await this.requireOwned(userId, id));
  }

  async list(userId: string, limit: number, cursor: string | undefined): Promise<Page<ProjectDto>> {
    return toPage(await this.repository.list(userId, limit, decodeCursor(cursor)), limit, toProjectDto);
  }

  async update(userId: string, id: string, input: UpdateProjectDto): Promise<ProjectDto> {
    await this.requireOwned(userId, id);
    await this.requireBrandKit(userId, input.brandKitId);
    return toProjectDto(await this.repository.update(id, input));
  }

  /** Generations of a deleted project stay, without a project. */
  async delete(userId: string, id: string): Promise<void> {
    await this.requireOwned(userId, id);
    await this.repository.delete(id);
  }

  async requireOwned(userId: string, id: string): Promise<ProjectRow> {
    const row = await this.repository.findOwned(userId, id);
    if (!row) throw ProblemException.notFound('Project');
    return row;
  }

  private async requireBrandKit(userId: string, brandKitId: string | undefined): Promise<void> {
    if (brandKitId && !(await this.repository.brandKitOwned(userId, brandKitId))) {
      throw ProblemException.notFound('Brand kit');
    }
  }
}
