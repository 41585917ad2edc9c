import { Injectable } from '@nestjs/common';
import { ProblemCode, ProblemException } from '../common/errors/problem.js';
import { decodeCursor, toPage, type Page } from '../common/pagination/pagination.js';
import type { WebhookEndpoint } from '../generated/prisma/client.js';
import type { CreateWebhookEndpointDto } from './dto/create-webhook-endpoint.dto.js';
import type { UpdateWebhookEndpointDto } from './dto/update-webhook-endpoint.dto.js';
import type { WebhookDeliveryDto } from './dto/webhook-delivery.dto.js';
import type { WebhookEndpointDto, WebhookEndpointWithSecretDto } from './dto/webhook-endpoint.dto.js';
import { WebhookDestinations } from './webhook-destinations.service.js';
import { TEST_EVENT_TYPE } from './webhook-event-types.js';
import { WebhookEvents } from './webhook-events.service.js';
import { WebhookJobs } from './webhook-jobs.js';
import { generateWebhookSecret } from './webhook-signature.js';
import { WebhooksRepository, type DeliveryWithEvent } from './webhooks.repository.js';

/** After a rotation the old secret signs alongside the new one this long, so receivers can switch without a gap. */
const ROTATION_OVERLAP_MS = 24 * 3_600_000;

function toEndpointDto(row: WebhookEndpoint): WebhookEndpointDto {
  const now = new Date();
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    disabledReason: row.disabledReason,
    failingSince: row.failingSince?.toISOString() ?? null,
    previousSecretExpiresAt:
      row.previousSecretExpiresAt && row.previousSecretExpiresAt > now
        ? row.previousSecretExpiresAt.toISOString()
        : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toEndpointWithSecret(row: WebhookEndpoint): WebhookEndpointWithSecretDto {
  return { ...toEndpointDto(row), secret: row.secret };
}

function toDeliveryDto(row: DeliveryWithEvent): WebhookDeliveryDto {
  return {
    id: row.id,
    endpointId: row.endpointId,
    eventId: row.eventId,
    eventType: row.event.type,
    url: row.url,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Webhook endpoints and their delivery log: registration, rotation, tests, replay and recovery. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly events: WebhookEvents,
    private readonly jobs: WebhookJobs,
    private readonly destinations: WebhookDestinations,
  ) {}

  async create(userId: string, input: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecretDto> {
    await this.destinations.assertDeliverable(input.url, 'url');
    const row = await this.repository.createEndpoint(userId, {
      url: input.url,
      events: [...new Set(input.events)],
      description: input.description ?? null,
      secret: generateWebhookSecret(),
    });
    return toEndpointWithSecret(row);
  }

  async list(userId: string, limit: number, cursor: string | undefined): Promise<Page<WebhookEndpointDto>> {
    return toPage(await this.repository.listEndpoints(userId, limit, decodeCursor(cursor)), limit, toEndpointDto);
  }

  async get(userId: string, id: string): Promise<WebhookEndpointDto> {
    return toEndpointDto(await this.requireEndpoint(userId, id));
  }

  async update(userId: string, id: string, input: UpdateWebhookEndpointDto): Promise<WebhookEndpointDto> {
    await this.requireEndpoint(userId, id);
    if (input.url !== undefined) await this.destinations.assertDeliverable(input.url, 'url');
    const reenable = input.enabled === true ? { disabledAt: null, disabledReason: null, failingSince: null } : {};
    const disable = input.enabled === false ? { disabledAt: new Date(), disabledReason: 'disabled by its owner' } : {};
    const row = await this.repository.updateEndpoint(id, {
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...reenable,
      ...disable,
    });
    return toEndpointDto(row);
  }

  async delete(userId: string, id: string): Promise<void> {
    await this.requireEndpoint(userId, id);
    await this.repository.deleteEndpoint(id);
  }

  /** A new secret; the old one keeps signing (a second `v1,` signature) for 24 hours. */
  async rotateSecret(userId: string, id: string): Promise<WebhookEndpointWithSecretDto> {
    const endpoint = await this.requireEndpoint(userId, id);
    const row = await this.repository.updateEndpoint(id, {
      secret: generateWebhookSecret(),
      previousSecret: endpoint.secret,
      previousSecretExpiresAt: new Date(Date.now() + ROTATION_OVERLAP_MS),
    });
    return toEndpointWithSecret(row);
  }

  /** Sends a `webhook.test` event to this endpoint only; answers its delivery. */
  async sendTest(userId: string, id: string): Promise<WebhookDeliveryDto> {
    const endpoint = await this.requireEndpoint(userId, id);
    if (!endpoint.enabled) {
      throw new ProblemException(409, ProblemCode.Conflict, 'The endpoint is disabled; enable it before testing it.');
    }
    const recorded = await this.repository.transaction((tx) =>
      this.events.recordFor(
        tx,
        userId,
        TEST_EVENT_TYPE,
        { endpointId: endpoint.id, message: 'A test event from Lumiku Pose.' },
        [endpoint],
      ),
    );
    await this.events.dispatch(recorded);
    return this.getDelivery(userId, recorded.deliveryIds[0]);
  }

  async listDeliveries(userId: string, endpointId: string, limit: number, cursor: string | undefined) {
    await this.requireEndpoint(userId, endpointId);
    return toPage(await this.repository.listDeliveries(endpointId, limit, decodeCursor(cursor)), limit, toDeliveryDto);
  }

  async getDelivery(userId: string, id: string): Promise<WebhookDeliveryDto> {
    const delivery = await this.repository.findDeliveryOwned(userId, id);
    if (!delivery) throw ProblemException.notFound('Webhook delivery');
    return toDeliveryDto(delivery);
  }

  /** Sends a finished delivery once more, with the same `webhook-id`. */
  async replay(userId: string, id: string): Promise<WebhookDeliveryDto> {
    const delivery = await this.getDelivery(userId, id);
    if (delivery.status === 'pending') {
      throw new ProblemException(409, ProblemCode.Conflict, 'The delivery is still being attempted.');
    }
    await this.resend(await this.repository.reopenDeliveries({ id }, new Date()));
    return this.getDelivery(userId, id);
  }

  /** Sends every delivery to this endpoint that failed since `since` once more. */
  async recover(userId: string, endpointId: string, since: Date): Promise<{ recovered: number }> {
    await this.requireEndpoint(userId, endpointId);
    const reopened = await this.repository.reopenDeliveries(
      { endpointId, status: 'failed', createdAt: { gte: since } },
      new Date(),
    );
    await this.resend(reopened);
    return { recovered: reopened.length };
  }

  /** One more attempt each, outside the retry schedule. */
  private resend(deliveries: Array<{ id: string; attempts: number }>): Promise<void> {
    return this.jobs.enqueue(
      deliveries.map((delivery) => ({
        deliveryId: delivery.id,
        attempt: delivery.attempts + 1,
        finalAttempt: delivery.attempts + 1,
        delayMs: 0,
      })),
    );
  }

  private async requireEndpoint(userId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.repository.findEndpoint(userId, id);
    if (!endpoint) throw ProblemException.notFound('Webhook endpoint');
    return endpoint;
  }
}
