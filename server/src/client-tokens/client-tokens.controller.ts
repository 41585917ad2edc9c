import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, type AuthContext } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { ClientTokensService } from './client-tokens.service.js';
import { ClientTokenDto } from './dto/client-token.dto.js';
import { CreateClientTokenDto } from './dto/create-client-token.dto.js';

@ApiTags('client-tokens')
@ApiBearerAuth()
@ApiProblems(400, 401, 403)
@Controller('v1/client-tokens')
export class ClientTokensController {
  constructor(private readonly clientTokens: ClientTokensService) {}

  /**
   * Mints a short-lived token for a browser: limited to one brand kit and the listed scopes, refused
   * after `expiresAt`. Call this from your server; never ship the API key to a browser. The browser's
   * origin must be in the key's `corsOrigins`.
   */
  @Post()
  @ApiProblems(404)
  createClientToken(@CurrentAuth() auth: AuthContext, @Body() body: CreateClientTokenDto): Promise<ClientTokenDto> {
    return this.clientTokens.create(auth, body);
  }
}
