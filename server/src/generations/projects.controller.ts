import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, type AuthContext } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto.js';
import { ResourceIdPipe } from '../common/validation/resource-id.pipe.js';
import { CreateProjectDto, ProjectDto, ProjectListDto, UpdateProjectDto } from './dto/project.dto.js';
import { ProjectsService } from './projects.service.js';

const projectId = new ResourceIdPipe('Project');

@ApiTags('projects')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  /** Creates a project that groups generations (optionally of one brand kit). */
  @Post()
  @ApiProblems(404)
  createProject(@CurrentAuth() auth: AuthContext, @Body() body: CreateProjectDto): Promise<ProjectDto> {
    return this.projects.create(auth.userId, body);
  }

  /** Your projects, newest first. */
  @Get()
  listProjects(@CurrentAuth() auth: AuthContext, @Query() query: PaginationQueryDto): Promise<ProjectListDto> {
    return this.projects.list(auth.userId, query.limit, query.cursor);
  }

  /** One project. */
  @Get(':id')
  @ApiProblems(404)
  getProject(@CurrentAuth() auth: AuthContext, @Param('id', projectId) id: string): Promise<ProjectDto> {
    return this.projects.get(auth.userId, id);
  }

  /** Changes the given fields only. */
  @Patch(':id')
  @ApiProblems(404)
  updateProject(
    @CurrentAuth() auth: AuthContext,
    @Param('id', projectId) id: string,
    @Body() body: UpdateProjectDto,
  ): Promise<ProjectDto> {
    return this.projects.update(auth.userId, id, body);
  }

  /** Deletes the project; its generations remain, without a project. */
  @Delete(':id')
  @HttpCode(204)
  @ApiProblems(404)
  deleteProject(@CurrentAuth() auth: AuthContext, @Param('id', projectId) id: string): Promise<void> {
    return this.projects.delete(auth.userId, id);
  }
}
