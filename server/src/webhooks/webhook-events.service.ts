import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Prisma, WebhookEndpoint } from '../generated/prisma/client.js';
import type { TransactionClient } from '../infra/database/database.service.js';
import type { SubscribableEventType } from './webhook-event-types.js';
import { WebhookJobs } from './webhook-jobs.js';
import { generateWebhookSecret } from './webhook-signature.js';
import { WebhooksRepository } from './webhooks.repository.js';

/** Deliveries written with an event; enqueue them once the transaction has committed. */
export interface RecordedEvent {
  eventId: string;
  deliveryIds: string[];
}

/**
 * Stores events and their deliveries inside the caller's transaction, so an
 * event exists exactly when the change that caused it does; `dispatch` then
 * enqueues the first attempts. Were the process to die in between, the
 * recovery sweep finds the pending deliveries.
 */
@Injectable()
export class WebhookEvents {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly jobs: WebhookJobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Records an event for every enabled endpoint subscribed to it, plus `extraUrl`
   * (a generation's own webhookUrl), delivered through the user's endpoint for
   * that URL, or one made for it, so it is signed, logged and replayable the same way.
   */
  async record(
    tx: TransactionClient,
    userId: string,
    type: SubscribableEventType,
    data: Prisma.InputJsonValue,
    extraUrl?: string | null,
  ): Promise<RecordedEvent> {
    const endpoints = await this.repository.subscribedEndpoints(userId, type, tx);
    if (extraUrl) {
      const own =
        (await this.repository.findEndpointByUrl(userId, extraUrl, tx)) ??
        (await this.endpointFor(userId, extraUrl, tx));
      if (own.enabled && !endpoints.some((endpoint) => endpoint.id === own.id)) endpoints.push(own);
    }
    return this.recordFor(tx, userId, type, data, endpoints);
  }

  /** An event for the given endpoints only (`webhook.test` goes to the one being tested). */
  async recordFor(
    tx: TransactionClient,
    userId: string,
    type: string,
    data: Prisma.InputJsonValue,
    endpoints: Array<Pick<WebhookEndpoint, 'id' | 'url'>>,
  ): Promise<RecordedEvent> {
    const event = await this.repository.createEvent(userId, type, data, tx);
    const firstAttemptAt = new Date(Date.now() + this.config.webhooks.retryScheduleMs[0]);
    const deliveryIds = await this.repository.createDeliveries(event.id, endpoints, firstAttemptAt, tx);
    return { eventId: event.id, deliveryIds };
  }

  dispatch(recorded: RecordedEvent | undefined): Promise<void> {
    return recorded ? this.jobs.enqueueFirstAttempts(recorded.deliveryIds) : Promise.resolve();
  }

  /** Subscribed to nothing: it receives only the generations that name its URL. */
  private endpointFor(userId: string, url: string, tx: TransactionClient): Promise<WebhookEndpoint> {
    return this.repository.createEndpoint(
      userId,
      { url, events: [], secret: generateWebhookSecret(), description: 'Made for a generation webhookUrl' },
      tx,
    );
  }
}
