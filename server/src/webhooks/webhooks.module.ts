import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { WEBHOOK_TRANSPORT, WebhookDeliverer } from './webhook-deliverer.service.js';
import { WebhookDeliveriesController } from './webhook-deliveries.controller.js';
import { WebhookDestinations } from './webhook-destinations.service.js';
import { WebhookEndpointsController } from './webhook-endpoints.controller.js';
import { WebhookEvents } from './webhook-events.service.js';
import { WebhookJobs } from './webhook-jobs.js';
import { WebhookTransport } from './webhook-transport.js';
import { WebhookWorker } from './webhook-worker.service.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/** Outbound webhooks: endpoints, events recorded with the changes that cause them, signed deliveries on the queue. */
@Module({
  controllers: [WebhookEndpointsController, WebhookDeliveriesController],
  providers: [
    {
      provide: WEBHOOK_TRANSPORT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new WebhookTransport({ allowPrivate: config.webhooks.allowPrivate, timeoutMs: config.webhooks.timeoutMs }),
    },
    WebhooksRepository,
    WebhooksService,
    WebhookDestinations,
    WebhookEvents,
    WebhookJobs,
    WebhookDeliverer,
    WebhookWorker,
  ],
  exports: [WebhookEvents, WebhookDestinations],
})
export class WebhooksModule {}
