import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ClientTokensModule } from '../client-tokens/client-tokens.module.js';
import { AuthGuard } from './auth.guard.js';

@Module({
  imports: [ApiKeysModule, ClientTokensModule],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
