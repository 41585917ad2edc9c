import { Module } from '@nestjs/common';
import { BrandKitsModule } from '../brand-kits/brand-kits.module.js';
import { MediaModule } from '../media/media.module.js';
import { BrandKitLogosController } from './brand-kit-logos.controller.js';
import { BrandKitLogosRepository } from './brand-kit-logos.repository.js';
import { BrandKitLogosService } from './brand-kit-logos.service.js';

@Module({
  imports: [BrandKitsModule, MediaModule],
  controllers: [BrandKitLogosController],
  providers: [BrandKitLogosRepository, BrandKitLogosService],
})
export class BrandKitLogosModule {}
