import { Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { loadOrCreateFileUrlSecret } from './file-url-secret.js';
import { FileUrlSigner } from './file-url-signer.js';
import { LocalObjectStorage } from './local-object-storage.js';
import { ObjectStorage } from './object-storage.js';

/** Local files under DATA_DIR unless S3_BUCKET is set; the signer serves local files' URLs. */
@Global()
@Module({
  providers: [
    {
      provide: FileUrlSigner,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) =>
        new FileUrlSigner(
          config.fileUrlSecret ? Buffer.from(config.fileUrlSecret) : await loadOrCreateFileUrlSecret(config.dataDir),
        ),
    },
    {
      provide: ObjectStorage,
      inject: [APP_CONFIG, FileUrlSigner],
      // The AWS SDK is loaded only when S3_BUCKET is set.
      useFactory: async (config: AppConfig, signer: FileUrlSigner): Promise<ObjectStorage> =>
        config.s3
          ? new (await import('./s3-object-storage.js')).S3ObjectStorage(config.s3)
          : new LocalObjectStorage(config.dataDir, signer),
    },
  ],
  exports: [FileUrlSigner, ObjectStorage],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(private readonly storage: ObjectStorage) {}

  onApplicationShutdown(): void {
    this.storage.destroy();
  }
}
