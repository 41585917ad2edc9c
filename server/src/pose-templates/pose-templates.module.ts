import { Module } from '@nestjs/common';
import { VisionModule } from '../vision/vision.module.js';
import { PoseKeypointsStore } from './pose-keypoints.store.js';
import { PoseLibrarySeeder } from './pose-library.seeder.js';
import { PoseSelectionService } from './pose-selection.service.js';
import { PoseTemplateListCache } from './pose-template-list-cache.js';
import { PoseTemplatesController } from './pose-templates.controller.js';
import { PoseTemplatesRepository } from './pose-templates.repository.js';
import { PoseTemplatesService } from './pose-templates.service.js';
import { ControlImageCache } from './rendering/control-image-cache.js';
import { ControlImageThreads } from './rendering/control-image-threads.js';

/** The pose library: templates, importers, control images, similarity, seeding, and diverse selection for generations. */
@Module({
  imports: [VisionModule],
  controllers: [PoseTemplatesController],
  providers: [
    PoseTemplatesRepository,
    PoseKeypointsStore,
    PoseTemplateListCache,
    PoseTemplatesService,
    PoseSelectionService,
    PoseLibrarySeeder,
    { provide: ControlImageCache, useFactory: () => new ControlImageCache() },
    ControlImageThreads,
  ],
  exports: [PoseSelectionService, PoseTemplatesService, PoseTemplateListCache],
})
export class PoseTemplatesModule {}
