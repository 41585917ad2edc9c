import { Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { BackgroundRemovalService } from './background-removal/background-removal.service.js';
import { BackgroundRemover } from './background-removal/background-remover.js';
import {
  DEFAULT_SEGMENTATION_MODEL,
  HuggingFaceBackgroundRemover,
} from './background-removal/huggingface-background-remover.js';
import { LocalBackgroundRemover } from './background-removal/local-background-remover.js';
import { FilesController } from './files.controller.js';
import { DEFAULT_MAX_INPUT_PIXELS, ImagePipeline } from './image-pipeline.js';
import { ProcessingSlots } from './processing-slots.js';
import { configureSharp } from './sharp-settings.js';
import { removeStaleSpooledUploads, SPOOL_DIRECTORY } from './spooled-upload.js';
import { StoredImagesService } from './stored-images.service.js';
import { StoredObjectsRepository } from './stored-objects.repository.js';

/** Image safety, thumbnails, background removal, stored images and the signed-file route. */
@Module({
  controllers: [FilesController],
  providers: [
    // One set of slots for every decode in the process: uploads, background removal and renders queue together.
    {
      provide: ProcessingSlots,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new ProcessingSlots(config.images.jobs),
    },
    {
      provide: ImagePipeline,
      inject: [ProcessingSlots],
      useFactory: (slots: ProcessingSlots) => new ImagePipeline(DEFAULT_MAX_INPUT_PIXELS, slots),
    },
    {
      // A hosted model only when asked for by name: an HF_TOKEN set for generations sends no product photo out.
      provide: BackgroundRemover,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): BackgroundRemover =>
        config.backgroundRemoval.kind === 'huggingface' && config.huggingface.token
          ? new HuggingFaceBackgroundRemover({
              token: config.huggingface.token,
              model: DEFAULT_SEGMENTATION_MODEL,
              endpointUrl: config.backgroundRemoval.endpointUrl,
            })
          : new LocalBackgroundRemover(),
    },
    BackgroundRemovalService,
    StoredImagesService,
    StoredObjectsRepository,
  ],
  exports: [ImagePipeline, BackgroundRemovalService, StoredImagesService],
})
export class MediaModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(MediaModule.name);

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    configureSharp(config.images.threads);
  }

  /**
   * Spooled uploads that a crashed process left in the temporary directory go at the next start, once an
   * hour old (no upload takes that long, and other processes may share the directory). In the
   * background: the start does not wait for it.
   */
  onApplicationBootstrap(): void {
    removeStaleSpooledUploads(SPOOL_DIRECTORY, new Date(Date.now() - STALE_SPOOLED_UPLOAD_MS)).then(
      (removed) => {
        if (removed > 0) this.logger.warn(`removed ${removed} spooled upload(s) a stopped process left behind`);
      },
      (error: unknown) => this.logger.warn(`could not sweep spooled uploads: ${String(error)}`),
    );
  }
}

const STALE_SPOOLED_UPLOAD_MS = 60 * 60 * 1000;
