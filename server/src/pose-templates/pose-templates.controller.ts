import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOkResponse,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentAuth, type AuthContext } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { sendCachedJson, serialiseJson } from '../common/http-cache/http-cache.js';
import { Idempotent } from '../common/idempotency/idempotency.interceptor.js';
import { readImageUpload } from '../media/image-upload.js';
import { ResourceIdPipe } from '../common/validation/resource-id.pipe.js';
import { ControlImageQueryDto } from './dto/control-image-query.dto.js';
import {
  CreatePoseTemplateDto,
  CreatePoseTemplateFromPhotoDto,
  PoseTemplateFromPhotoFieldsDto,
} from './dto/create-pose-template.dto.js';
import { ImportPoseTemplatesDto, PoseImportResultDto } from './dto/import-pose-templates.dto.js';
import { ListPoseTemplatesQueryDto } from './dto/list-pose-templates-query.dto.js';
import {
  PoseTemplateCategoryListDto,
  PoseTemplateDto,
  PoseTemplateListDto,
  SimilarPoseTemplateListDto,
} from './dto/pose-template.dto.js';
import { SimilarPoseTemplatesQueryDto } from './dto/similar-pose-templates-query.dto.js';
import { UpdatePoseTemplateDto } from './dto/update-pose-template.dto.js';
import { readPoseFilesUpload } from './pose-files-upload.js';
import { PoseTemplatesService } from './pose-templates.service.js';
import { PoseDetectionsService } from '../vision/pose-detections.service.js';

const poseTemplateId = new ResourceIdPipe('Pose template');

@ApiTags('pose-templates')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('v1/pose-templates')
export class PoseTemplatesController {
  constructor(
    private readonly poseTemplates: PoseTemplatesService,
    private readonly poseDetections: PoseDetectionsService,
  ) {}

  /**
   * The shared library and your own templates, newest first unless sorted; every filter narrows the list.
   * Answers carry an `ETag`: send it back in `If-None-Match` for a 304 without a body while nothing changed.
   * Usage counters in the list may lag finished generations by a few seconds.
   */
  @Get()
  @ApiOkResponse({ type: PoseTemplateListDto })
  @ApiResponse({ status: 304, description: 'Not modified' })
  async listPoseTemplates(
    @CurrentAuth() auth: AuthContext,
    @Query() query: ListPoseTemplatesQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    return sendCachedJson(reply, ifNoneMatch, await this.poseTemplates.list(auth.userId, query));
  }

  /** Every category you can use, with its use case and how many active templates it holds. */
  @Get('categories')
  listPoseTemplateCategories(@CurrentAuth() auth: AuthContext): Promise<PoseTemplateCategoryListDto> {
    return this.poseTemplates.categories(auth.userId);
  }

  /** Creates a template of your own from 18 OpenPose keypoints; placement and difficulty are derived unless given. */
  @Post()
  createPoseTemplate(@CurrentAuth() auth: AuthContext, @Body() body: CreatePoseTemplateDto): Promise<PoseTemplateDto> {
    return this.poseTemplates.create(auth.userId, body);
  }

  /**
   * Imports OpenPose JSON (flat or triplet `pose_keypoints_2d`, legacy `pose_keypoints`, BODY_18 or BODY_25,
   * pixel or normalised, ComfyUI frame lists) and COCO keypoint files. Every person becomes a template of
   * your own; each refused file or person comes back with its reason.
   */
  @Post('import')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportPoseTemplatesDto })
  @ApiProblems(413, 415)
  async importPoseTemplates(
    @CurrentAuth() auth: AuthContext,
    @Req() request: FastifyRequest,
  ): Promise<PoseImportResultDto> {
    const { files, fields } = await readPoseFilesUpload(request);
    const tags = fields.tags ? fields.tags.split(',') : [];
    return this.poseTemplates.importFiles(auth.userId, files, fields.category, tags);
  }

  /**
   * Makes a template of your own from a photo of a person: the pose detector finds the most prominent person
   * and its 18 joints become the template (canvas = the upright photo's size). 422 `no_person_found` when
   * nobody usable is in the photo. Send `Idempotency-Key` to make retries safe.
   */
  @Post('from-photo')
  @Idempotent()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Replays the first answer for 24 hours.' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreatePoseTemplateFromPhotoDto })
  @ApiProblems(413, 415, 422, 503)
  async createPoseTemplateFromPhoto(
    @CurrentAuth() auth: AuthContext,
    @Req() request: FastifyRequest,
  ): Promise<PoseTemplateDto> {
    this.poseDetections.requireAvailable();
    const { file, fields } = await readImageUpload(
      request,
      this.poseDetections.maxUploadBytes,
      PoseTemplateFromPhotoFieldsDto,
    );
    return this.poseTemplates.createFromPhoto(auth.userId, file, fields);
  }

  /** One pose template with its keypoints; `If-None-Match` with its `ETag` answers 304 while it is unchanged. */
  @Get(':id')
  @ApiOkResponse({ type: PoseTemplateDto })
  @ApiResponse({ status: 304, description: 'Not modified' })
  @ApiProblems(404)
  async getPoseTemplate(
    @CurrentAuth() auth: AuthContext,
    @Param('id', poseTemplateId) id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    return sendCachedJson(reply, ifNoneMatch, serialiseJson(await this.poseTemplates.get(auth.userId, id)));
  }

  /** Changes the given fields of one of your templates; the shared library is read-only (403). */
  @Patch(':id')
  @ApiProblems(403, 404)
  updatePoseTemplate(
    @CurrentAuth() auth: AuthContext,
    @Param('id', poseTemplateId) id: string,
    @Body() body: UpdatePoseTemplateDto,
  ): Promise<PoseTemplateDto> {
    return this.poseTemplates.update(auth.userId, id, body);
  }

  /** Deletes one of your templates; one that generations used is retired instead (hidden, kept for their history). */
  @Delete(':id')
  @HttpCode(204)
  @ApiProblems(403, 404)
  deletePoseTemplate(@CurrentAuth() auth: AuthContext, @Param('id', poseTemplateId) id: string): Promise<void> {
    return this.poseTemplates.delete(auth.userId, id);
  }

  /**
   * The OpenPose control image ControlNet is given: black canvas, coloured limbs, the pose aspect-fitted and
   * centred, never stretched. Cached; send `If-None-Match` to revalidate.
   */
  @Get(':id/control-image')
  @ApiProduces('image/png')
  @ApiOkResponse({
    description: 'PNG image',
    content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 304, description: 'Not modified' })
  @ApiProblems(404)
  async getPoseTemplateControlImage(
    @CurrentAuth() auth: AuthContext,
    @Param('id', poseTemplateId) id: string,
    @Query() query: ControlImageQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    const { png, etag } = await this.poseTemplates.controlImage(auth.userId, id, query);
    reply.headers({ etag, 'cache-control': 'private, max-age=3600' });
    if (ifNoneMatch === etag) {
      reply.status(304);
      return undefined;
    }
    reply.type('image/png');
    return png;
  }

  /** Templates with the closest poses, ignoring position and scale; `mirror=true` also matches mirror images. */
  @Get(':id/similar')
  @ApiProblems(404)
  listSimilarPoseTemplates(
    @CurrentAuth() auth: AuthContext,
    @Param('id', poseTemplateId) id: string,
    @Query() query: SimilarPoseTemplatesQueryDto,
  ): Promise<SimilarPoseTemplateListDto> {
    return this.poseTemplates.similar(auth.userId, id, query.limit, query.mirror);
  }
}
