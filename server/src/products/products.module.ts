import { Module } from '@nestjs/common';
import { BrandKitsModule } from '../brand-kits/brand-kits.module.js';
import { MediaModule } from '../media/media.module.js';
import { ProductsController } from './products.controller.js';
import { ProductsRepository } from './products.repository.js';
import { ProductsService } from './products.service.js';

@Module({
  imports: [BrandKitsModule, MediaModule],
  controllers: [ProductsController],
  providers: [ProductsRepository, ProductsService],
  exports: [ProductsService],
})
export class ProductsModule {}
