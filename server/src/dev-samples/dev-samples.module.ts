import { Module } from '@nestjs/common';
import { AvatarsModule } from '../avatars/avatars.module.js';
import { BrandKitsModule } from '../brand-kits/brand-kits.module.js';
import { ProductsModule } from '../products/products.module.js';
import { UsersModule } from '../users/users.module.js';
import { DevSamplesService } from './dev-samples.service.js';

/** Sample assets for a fresh embedded server's development user. */
@Module({
  imports: [UsersModule, BrandKitsModule, AvatarsModule, ProductsModule],
  providers: [DevSamplesService],
  exports: [DevSamplesService],
})
export class DevSamplesModule {}
