import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, type AuthContext } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto.js';
import { ResourceIdPipe } from '../common/validation/resource-id.pipe.js';
import { BrandKitsService } from './brand-kits.service.js';
import { BrandKitDto, BrandKitListDto } from './dto/brand-kit.dto.js';
import { CreateBrandKitDto } from './dto/create-brand-kit.dto.js';
import { UpdateBrandKitDto } from './dto/update-brand-kit.dto.js';

const brandKitId = new ResourceIdPipe('Brand kit');

@ApiTags('brand-kits')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('v1/brand-kits')
export class BrandKitsController {
  constructor(private readonly brandKits: BrandKitsService) {}

  /** Creates a brand kit. The user's first kit becomes its default. */
  @Post()
  createBrandKit(@CurrentAuth() auth: AuthContext, @Body() body: CreateBrandKitDto): Promise<BrandKitDto> {
    return this.brandKits.create(auth.userId, body);
  }

  /** Your brand kits, newest first. */
  @Get()
  listBrandKits(@CurrentAuth() auth: AuthContext, @Query() query: PaginationQueryDto): Promise<BrandKitListDto> {
    return this.brandKits.list(auth.userId, query.limit, query.cursor);
  }

  /** One brand kit. */
  @Get(':id')
  @ApiProblems(404)
  getBrandKit(@CurrentAuth() auth: AuthContext, @Param('id', brandKitId) id: string): Promise<BrandKitDto> {
    return this.brandKits.get(auth.userId, id);
  }

  /** Changes the given fields only. `isDefault: true` moves the default here. */
  @Patch(':id')
  @ApiProblems(404)
  updateBrandKit(
    @CurrentAuth() auth: AuthContext,
    @Param('id', brandKitId) id: string,
    @Body() body: UpdateBrandKitDto,
  ): Promise<BrandKitDto> {
    return this.brandKits.update(auth.userId, id, body);
  }

  /** Deletes a kit; 409 while avatars or products still use it. */
  @Delete(':id')
  @HttpCode(204)
  @ApiProblems(404, 409)
  deleteBrandKit(@CurrentAuth() auth: AuthContext, @Param('id', brandKitId) id: string): Promise<void> {
    return this.brandKits.delete(auth.userId, id);
  }
}
