import { Module } from '@nestjs/common';
import { BrandKitsModule } from '../brand-kits/brand-kits.module.js';
import { MediaModule } from '../media/media.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { AvatarsController } from './avatars.controller.js';
import { AvatarsRepository } from './avatars.repository.js';
import { AvatarsService } from './avatars.service.js';

@Module({
  imports: [BrandKitsModule, MediaModule, MetricsModule],
  controllers: [AvatarsController],
  providers: [AvatarsRepository, AvatarsService],
  exports: [AvatarsService],
})
export class AvatarsModule {}
