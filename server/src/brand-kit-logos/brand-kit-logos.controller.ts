import { Controller, Param, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentAuth, type AuthContext } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { ResourceIdPipe } from '../common/validation/resource-id.pipe.js';
import { readImageUpload } from '../media/image-upload.js';
import { RequestOrigin } from '../media/request-origin.decorator.js';
import { BrandKitLogosService } from './brand-kit-logos.service.js';
import { BrandKitLogoDto, UploadBrandKitLogoDto } from './dto/brand-kit-logo.dto.js';

const brandKitId = new ResourceIdPipe('Brand kit');

/** A brand kit's logo, an image upload with the same safety rules as avatars. */
@ApiTags('brand-kits')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('v1/brand-kits/:id/logo')
export class BrandKitLogosController {
  constructor(private readonly logos: BrandKitLogosService) {}

  /** Sets or replaces the logo. PNG transparency is kept; EXIF and other metadata are not. */
  @Put()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadBrandKitLogoDto })
  @ApiProblems(404, 413, 415, 422)
  async updateBrandKitLogo(
    @CurrentAuth() auth: AuthContext,
    @Param('id', brandKitId) id: string,
    @Req() request: FastifyRequest,
    @RequestOrigin() origin: string,
  ): Promise<BrandKitLogoDto> {
    const { file } = await readImageUpload(request, this.logos.maxUploadBytes);
    return this.logos.replace(auth.userId, id, file, origin);
  }
}
