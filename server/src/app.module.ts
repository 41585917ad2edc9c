import { Module, type DynamicModule } from '@nestjs/common';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AvatarsModule } from './avatars/avatars.module.js';
import { BrandKitLogosModule } from './brand-kit-logos/brand-kit-logos.module.js';
import { BrandKitsModule } from './brand-kits/brand-kits.module.js';
import { AuthModule } from './auth/auth.module.js';
import { LimitsModule } from './common/limits/limits.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { IdempotencyModule } from './common/idempotency/idempotency.module.js';
import { GenerationsModule } from './generations/generations.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OperationsModule } from './operations/operations.module.js';
import { EventsModule } from './infra/events/events.module.js';
import { QueueModule } from './infra/queue/queue.module.js';
import { DatabaseModule } from './infra/database/database.module.js';
import { DevSamplesModule } from './dev-samples/dev-samples.module.js';
import { StorageModule } from './infra/storage/storage.module.js';
import { PoseTemplatesModule } from './pose-templates/pose-templates.module.js';
import { ProductsModule } from './products/products.module.js';
import { RedisModule } from './infra/redis/redis.module.js';
import { UsersModule } from './users/users.module.js';
import { VisionModule } from './vision/vision.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        DatabaseModule,
        RedisModule,
        QueueModule,
        EventsModule,
        IdempotencyModule,
        LimitsModule,
        AuthModule,
        HealthModule,
        UsersModule,
        DevSamplesModule,
        ApiKeysModule,
        BrandKitsModule,
        StorageModule,
        AvatarsModule,
        ProductsModule,
        BrandKitLogosModule,
        GenerationsModule,
        PoseTemplatesModule,
        WebhooksModule,
        MetricsModule,
        VisionModule,
        OperationsModule,
      ],
    };
  }
}
