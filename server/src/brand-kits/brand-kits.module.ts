import { Module } from '@nestjs/common';
import { BrandKitsController } from './brand-kits.controller.js';
import { BrandKitsRepository } from './brand-kits.repository.js';
import { BrandKitsService } from './brand-kits.service.js';

@Module({
  controllers: [BrandKitsController],
  providers: [BrandKitsRepository, BrandKitsService],
  exports: [BrandKitsService],
})
export class BrandKitsModule {}
