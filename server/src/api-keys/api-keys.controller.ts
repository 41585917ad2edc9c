import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, type AuthContext } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto.js';
import { ResourceIdPipe } from '../common/validation/resource-id.pipe.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyDto, ApiKeyListDto, CreatedApiKeyDto } from './dto/api-key.dto.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';

@ApiTags('api-keys')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** Your API keys, newest first. Secrets are never shown again. */
  @Get()
  listApiKeys(@CurrentAuth() auth: AuthContext, @Query() query: PaginationQueryDto): Promise<ApiKeyListDto> {
    return this.apiKeys.list(auth.userId, query.limit, query.cursor);
  }

  /** Mints a new key for your user; the `secret` appears only in this answer. */
  @Post()
  createApiKey(@CurrentAuth() auth: AuthContext, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(auth.userId, body.name, { corsOrigins: body.corsOrigins });
  }

  /** Revokes a key at once: requests with it answer 401 from now on. */
  @Delete(':id')
  @HttpCode(200)
  @ApiProblems(404)
  revokeApiKey(
    @CurrentAuth() auth: AuthContext,
    @Param('id', new ResourceIdPipe('API key')) id: string,
  ): Promise<ApiKeyDto> {
    return this.apiKeys.revoke(auth.userId, id);
  }
}
