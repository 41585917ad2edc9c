import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, type AuthContext } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { ResourceIdPipe } from '../common/validation/resource-id.pipe.js';
import { RequestOrigin } from '../media/request-origin.decorator.js';
import { CreateExportDto, GeneratedPoseDto, PoseExportDto, RateGeneratedPoseDto } from './dto/generated-pose.dto.js';
import { GeneratedPosesService } from './generated-poses.service.js';

const poseId = new ResourceIdPipe('Generated pose');

@ApiTags('generated-poses')
@ApiBearerAuth()
@ApiProblems(400, 401, 404)
@Controller('v1/generated-poses')
export class GeneratedPosesController {
  constructor(private readonly poses: GeneratedPosesService) {}

  /** One generated pose: its status, image URLs, template, provider, seed and rating. */
  @Get(':id')
  getGeneratedPose(
    @CurrentAuth() auth: AuthContext,
    @Param('id', poseId) id: string,
    @RequestOrigin() origin: string,
  ): Promise<GeneratedPoseDto> {
    return this.poses.get(auth.userId, id, origin);
  }

  /** Rates a pose 1-5; ratings feed the template statistics. */
  @Patch(':id')
  updateGeneratedPose(
    @CurrentAuth() auth: AuthContext,
    @Param('id', poseId) id: string,
    @Body() body: RateGeneratedPoseDto,
    @RequestOrigin() origin: string,
  ): Promise<GeneratedPoseDto> {
    return this.poses.rate(auth.userId, id, body.userRating, origin);
  }

  /** Crops the pose to a social format (attention-based) and answers a signed URL of the result. */
  @Post(':id/exports')
  @ApiProblems(409)
  createPoseExport(
    @CurrentAuth() auth: AuthContext,
    @Param('id', poseId) id: string,
    @Body() body: CreateExportDto,
    @RequestOrigin() origin: string,
  ): Promise<PoseExportDto> {
    return this.poses.export(auth.userId, id, body.format, origin);
  }
}
