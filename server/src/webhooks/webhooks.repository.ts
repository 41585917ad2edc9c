import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client.js';
import { DatabaseService, type TransactionClient } from '../infra/database/database.service.js';

export type EndpointFields = Pick<
  Prisma.WebhookEndpointUncheckedCreateInput,
  'url' | 'description' | 'events' | 'secret'
>;

const deliveryWithEvent = { event: { select: { type: true } } } satisfies Prisma.WebhookDeliveryInclude;
export type DeliveryWithEvent = Prisma.WebhookDeliveryGetPayload<{ include: typeof deliveryWithEvent }>;

const deliveryToSend = { event: true, endpoint: true } satisfies Prisma.WebhookDeliveryInclude;
export type DeliveryToSend = Prisma.WebhookDeliveryGetPayload<{ include: typeof deliveryToSend }>;

export interface AttemptOutcome {
  status: 'pending' | 'succeeded' | 'failed';
  url: string;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

/** Endpoints, events and deliveries; deliveries belong to a user through their endpoint. */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly database: DatabaseService) {}

  transaction<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.database.transaction(work);
  }

  createEndpoint(userId: string, fields: EndpointFields, tx: TransactionClient = this.database.client) {
    return tx.webhookEndpoint.create({ data: { ...fields, userId } });
  }

  findEndpoint(userId: string, id: string, tx: TransactionClient = this.database.client) {
    return tx.webhookEndpoint.findFirst({ where: { id, userId } });
  }

  findEndpointByUrl(userId: string, url: string, tx: TransactionClient) {
    return tx.webhookEndpoint.findFirst({ where: { userId, url }, orderBy: { id: 'asc' } });
  }

  listEndpoints(userId: string, limit: number, beforeId: string | undefined) {
    return this.database.client.webhookEndpoint.findMany({
      where: { userId, ...(beforeId ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
  }

  /** Enabled endpoints of the user subscribed to an event type. */
  subscribedEndpoints(userId: string, type: string, tx: TransactionClient) {
    return tx.webhookEndpoint.findMany({
      where: { userId, enabled: true, events: { has: type } },
      orderBy: { id: 'asc' },
    });
  }

  updateEndpoint(
    id: string,
    data: Prisma.WebhookEndpointUncheckedUpdateInput,
    tx: TransactionClient = this.database.client,
  ) {
    return tx.webhookEndpoint.update({ where: { id }, data });
  }

  async deleteEndpoint(id: string): Promise<void> {
    await this.database.client.webhookEndpoint.delete({ where: { id } });
  }

  /** Starts the failing streak on the first failure of a run; a success clears it. */
  async markEndpointFailing(id: string, since: Date, tx: TransactionClient): Promise<Date> {
    await tx.webhookEndpoint.updateMany({ where: { id, failingSince: null }, data: { failingSince: since } });
    const endpoint = await tx.webhookEndpoint.findUniqueOrThrow({ where: { id }, select: { failingSince: true } });
    return endpoint.failingSince ?? since;
  }

  async markEndpointHealthy(id: string, tx: TransactionClient): Promise<void> {
    await tx.webhookEndpoint.updateMany({ where: { id, failingSince: { not: null } }, data: { failingSince: null } });
  }

  async disableEndpoint(id: string, reason: string, tx: TransactionClient): Promise<void> {
    await tx.webhookEndpoint.updateMany({
      where: { id, enabled: true },
      data: { enabled: false, disabledAt: new Date(), disabledReason: reason },
    });
  }

  createEvent(userId: string, type: string, payload: Prisma.InputJsonValue, tx: TransactionClient) {
    return tx.webhookEvent.create({ data: { userId, type, payload } });
  }

  /** One delivery per (endpoint, event); returns their ids. */
  async createDeliveries(
    eventId: string,
    endpoints: Array<{ id: string; url: string }>,
    nextAttemptAt: Date,
    tx: TransactionClient,
  ): Promise<string[]> {
    if (endpoints.length === 0) return [];
    const rows = await tx.webhookDelivery.createManyAndReturn({
      data: endpoints.map((endpoint) => ({ eventId, endpointId: endpoint.id, url: endpoint.url, nextAttemptAt })),
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  findDeliveryToSend(id: string): Promise<DeliveryToSend | null> {
    return this.database.client.webhookDelivery.findUnique({ where: { id }, include: deliveryToSend });
  }

  /** Records attempt number `attempt` only if no other run recorded it first. */
  async recordAttempt(id: string, attempt: number, outcome: AttemptOutcome, tx: TransactionClient): Promise<boolean> {
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id, status: 'pending', attempts: attempt - 1 },
      data: { ...outcome, attempts: attempt },
    });
    return count === 1;
  }

  findDeliveryOwned(userId: string, id: string): Promise<DeliveryWithEvent | null> {
    return this.database.client.webhookDelivery.findFirst({
      where: { id, endpoint: { userId } },
      include: deliveryWithEvent,
    });
  }

  listDeliveries(endpointId: string, limit: number, beforeId: string | undefined): Promise<DeliveryWithEvent[]> {
    return this.database.client.webhookDelivery.findMany({
      where: { endpointId, ...(beforeId ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
      include: deliveryWithEvent,
    });
  }

  /** Puts finished deliveries back to pending for one more attempt; returns those it reopened. */
  async reopenDeliveries(where: Prisma.WebhookDeliveryWhereInput, now: Date) {
    return this.database.transaction(async (tx) => {
      const rows = await tx.webhookDelivery.findMany({
        where: { AND: [where, { status: { in: ['succeeded', 'failed'] } }] },
        select: { id: true, attempts: true },
        orderBy: { id: 'asc' },
      });
      if (rows.length === 0) return [];
      await tx.webhookDelivery.updateMany({
        where: { id: { in: rows.map((row) => row.id) }, status: { in: ['succeeded', 'failed'] } },
        data: { status: 'pending', nextAttemptAt: now },
      });
      return rows;
    });
  }

  /** Every delivery still to attempt: the recovery sweep's work list. */
  pendingDeliveries() {
    return this.database.client.webhookDelivery.findMany({
      where: { status: 'pending' },
      select: { id: true, attempts: true, nextAttemptAt: true },
      orderBy: { id: 'asc' },
    });
  }
}
