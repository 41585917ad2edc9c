import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { loadOrCreateFileUrlSecret } from '../infra/storage/file-url-secret.js';
import { deriveClientTokenKey } from './client-token-format.js';
import { ClientTokensController } from './client-tokens.controller.js';
import { ClientTokensRepository } from './client-tokens.repository.js';
import { CLIENT_TOKEN_KEY, ClientTokensService } from './client-tokens.service.js';

@Module({
  imports: [ApiKeysModule],
  controllers: [ClientTokensController],
  providers: [
    ClientTokensRepository,
    ClientTokensService,
    {
      // The server secret that signs file URLs (FILE_URL_SECRET, or the one kept under DATA_DIR).
      provide: CLIENT_TOKEN_KEY,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) =>
        deriveClientTokenKey(
          config.fileUrlSecret ? Buffer.from(config.fileUrlSecret) : await loadOrCreateFileUrlSecret(config.dataDir),
        ),
    },
  ],
  exports: [ClientTokensService],
})
export class ClientTokensModule {}
