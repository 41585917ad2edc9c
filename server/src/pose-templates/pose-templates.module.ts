import { Module } from '@nestjs/common';
import { VisionModule } from '../vision/vision.module.js';
import { PoseKeypointsStore } from './pose-keypoints.store.js';
import { PoseLibrarySeeder } from './pose-library.seeder.js';
import { PoseSelectionService } from './pose-selection.service.js';
import { PoseTemplatesController } from './pose-templates.controller.js';
import { PoseTemplatesRepository } from './pose-templates.repository.js';
import { PoseTemplatesService } from './pose-templates.service.js';
import { ControlImageCache } from './rendering/control-image-cache.js';

/** The pose library: templates, importers, control images, similarity, seeding, and diverse selection for generations. */
@Module({
  imports: [VisionModule],
  controllers: [PoseTemplatesController],
  providers: [
    PoseTemplatesRepository,
    PoseKeypointsStore,
    PoseTemplatesService,
    PoseSelectionService,
    PoseLibrarySeeder,
    { provide: ControlImageCache, useFactory: () => new ControlImageCache() },
  ],
  exports: [PoseSelectionService, PoseTemplatesService],
})
export class PoseTemplatesModule {}
