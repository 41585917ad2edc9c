import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { createLogger } from '../common/logging/logger.js';
import { MediaModule } from '../media/media.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { PoseTemplatesModule } from '../pose-templates/pose-templates.module.js';
import { VisionModule } from '../vision/vision.module.js';
import { GeneratedPosesController } from './generated-poses.controller.js';
import { GeneratedPosesService } from './generated-poses.service.js';
import { GenerationCompletion } from './generation-completion.service.js';
import { GenerationEvents } from './generation-events.js';
import { GenerationJobs } from './generation-jobs.js';
import { GenerationProgress } from './generation-progress.service.js';
import { GenerationProgressStream } from './generation-progress-stream.js';
import { GenerationWorker } from './generation-worker.service.js';
import { GenerationsController } from './generations.controller.js';
import { GenerationsRepository } from './generations.repository.js';
import { GenerationsService } from './generations.service.js';
import { ProjectsController } from './projects.controller.js';
import { ProjectsRepository } from './projects.repository.js';
import { ProjectsService } from './projects.service.js';
import { createProviders } from './providers/create-providers.js';
import { ProviderGate } from './providers/provider-gate.js';
import { ProductStageService } from './product-stage/product-stage.service.js';
import { PROVIDER_CHAIN, SlotRunner } from './slot-runner.service.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';

/** Projects, generations and generated poses: planning, the slot queue, providers, results. */
@Module({
  imports: [MediaModule, PoseTemplatesModule, VisionModule, WebhooksModule, MetricsModule],
  controllers: [ProjectsController, GenerationsController, GeneratedPosesController],
  providers: [
    {
      provide: PROVIDER_CHAIN,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        createProviders(config, createLogger(config), {
          policy: { attemptTimeoutMs: config.generation.providerTimeoutMs },
          gate: new ProviderGate(config.generation.concurrency),
        }),
    },
    ProjectsRepository,
    ProjectsService,
    GenerationsRepository,
    GenerationsService,
    GenerationEvents,
    GenerationJobs,
    GenerationCompletion,
    GenerationProgress,
    GenerationProgressStream,
    GeneratedPosesService,
    SlotRunner,
    ProductStageService,
    GenerationWorker,
  ],
  exports: [GenerationsService],
})
export class GenerationsModule {}
