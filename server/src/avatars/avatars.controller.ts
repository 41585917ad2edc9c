import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentAuth, type AuthContext } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { ResourceIdPipe } from '../common/validation/resource-id.pipe.js';
import { withSpooledImageUpload } from '../media/image-upload.js';
import { RequestOrigin } from '../media/request-origin.decorator.js';
import { AvatarsService } from './avatars.service.js';
import { AvatarDto, AvatarListDto } from './dto/avatar.dto.js';
import { CreateAvatarDto, CreateAvatarUploadDto } from './dto/create-avatar.dto.js';
import { ListAvatarsQueryDto } from './dto/list-avatars-query.dto.js';
import { UpdateAvatarDto } from './dto/update-avatar.dto.js';

const avatarId = new ResourceIdPipe('Avatar');

@ApiTags('avatars')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('v1/avatars')
export class AvatarsController {
  constructor(private readonly avatars: AvatarsService) {}

  /**
   * Uploads a model photo. The image is checked by content (JPEG, PNG or WebP), turned upright from its
   * EXIF orientation and re-encoded without any metadata; a WebP thumbnail is made alongside.
   */
  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreateAvatarUploadDto })
  @ApiProblems(404, 413, 415, 422)
  async createAvatar(
    @CurrentAuth() auth: AuthContext,
    @Req() request: FastifyRequest,
    @RequestOrigin() origin: string,
  ): Promise<AvatarDto> {
    return withSpooledImageUpload(request, this.avatars.maxUploadBytes, CreateAvatarDto, (file, fields) =>
      this.avatars.create(auth.userId, fields, file, origin),
    );
  }

  /** Your avatars, newest first, optionally of one brand kit. */
  @Get()
  listAvatars(
    @CurrentAuth() auth: AuthContext,
    @Query() query: ListAvatarsQueryDto,
    @RequestOrigin() origin: string,
  ): Promise<AvatarListDto> {
    return this.avatars.list(auth.userId, query, origin);
  }

  /** One avatar, with fresh signed URLs of its photo and thumbnail. */
  @Get(':id')
  @ApiProblems(404)
  getAvatar(
    @CurrentAuth() auth: AuthContext,
    @Param('id', avatarId) id: string,
    @RequestOrigin() origin: string,
  ): Promise<AvatarDto> {
    return this.avatars.get(auth.userId, id, origin);
  }

  /** Changes the given fields only. */
  @Patch(':id')
  @ApiProblems(404)
  updateAvatar(
    @CurrentAuth() auth: AuthContext,
    @Param('id', avatarId) id: string,
    @Body() body: UpdateAvatarDto,
    @RequestOrigin() origin: string,
  ): Promise<AvatarDto> {
    return this.avatars.update(auth.userId, id, body, origin);
  }

  /** Deletes the avatar and its files; 409 while generations still use it. */
  @Delete(':id')
  @HttpCode(204)
  @ApiProblems(404, 409)
  deleteAvatar(@CurrentAuth() auth: AuthContext, @Param('id', avatarId) id: string): Promise<void> {
    return this.avatars.delete(auth.userId, id);
  }
}
