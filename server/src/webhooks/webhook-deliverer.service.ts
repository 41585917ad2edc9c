import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { WebhookEndpoint, WebhookEvent } from '../generated/prisma/client.js';
import type { DeliveryJob } from './webhook-jobs.js';
import { WebhookJobs } from './webhook-jobs.js';
import { retryDelayMs } from './webhook-retry.js';
import { webhookHeaders } from './webhook-signature.js';
import type { WebhookResponse } from './webhook-transport.js';
import { WebhookTransport } from './webhook-transport.js';
import { WebhooksRepository, type AttemptOutcome } from './webhooks.repository.js';

export const WEBHOOK_TRANSPORT = Symbol('WEBHOOK_TRANSPORT');

/** Statuses whose Retry-After is honoured. */
const THROTTLING_STATUSES = new Set([429, 503]);
const GONE = 410;

/** The body receivers get: the Standard Webhooks envelope around the stored event. */
export function webhookBody(event: WebhookEvent): Buffer {
  return Buffer.from(
    JSON.stringify({ id: event.id, type: event.type, timestamp: event.createdAt.toISOString(), data: event.payload }),
  );
}

/** The current secret, plus the previous one while its 24 hours after a rotation last. */
export function signingSecrets(endpoint: WebhookEndpoint, now: Date): string[] {
  const previousValid =
    endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
  return previousValid ? [endpoint.secret, endpoint.previousSecret!] : [endpoint.secret];
}

function describeFailure(response: WebhookResponse | undefined, failure: string | undefined): string | null {
  if (failure) return failure;
  if (!response || (response.status >= 200 && response.status < 300)) return null;
  if (response.status >= 300 && response.status < 400)
    return `redirect ${response.status} (redirects are not followed)`;
  return `HTTP ${response.status}`;
}

/**
 * Makes one attempt of one delivery: signs the exact body it sends, records the
 * outcome only if no other run recorded this attempt, keeps the endpoint's
 * failing streak (410 or five days of failures disable it) and schedules the
 * next attempt. A failed receiver never throws here; only infrastructure does.
 */
@Injectable()
export class WebhookDeliverer {
  private readonly logger = new Logger(WebhookDeliverer.name);

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly jobs: WebhookJobs,
    @Inject(WEBHOOK_TRANSPORT) private readonly transport: WebhookTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async deliver(job: DeliveryJob): Promise<void> {
    const delivery = await this.repository.findDeliveryToSend(job.deliveryId);
    if (!delivery || delivery.status !== 'pending' || delivery.attempts !== job.attempt - 1) return;
    const endpoint = delivery.endpoint;
    const now = new Date();
    let response: WebhookResponse | undefined;
    let failure: string | undefined;
    if (!endpoint?.enabled) {
      failure = endpoint ? `endpoint disabled: ${endpoint.disabledReason ?? 'by its owner'}` : 'endpoint deleted';
    } else {
      const body = webhookBody(delivery.event);
      // A fresh timestamp and signature per attempt; the webhook-id is the event's, identical on every attempt.
      const headers = webhookHeaders(
        signingSecrets(endpoint, now),
        delivery.event.id,
        Math.floor(now.getTime() / 1000),
        body,
      );
      try {
        response = await this.transport.post(endpoint.url, headers, body);
      } catch (error) {
        failure = error instanceof Error ? error.message : 'the request failed';
      }
    }

    const succeeded = response !== undefined && response.status >= 200 && response.status < 300;
    const gone = response?.status === GONE;
    const retryable = !succeeded && !gone && endpoint?.enabled === true && job.attempt < job.finalAttempt;
    const nextDelayMs = retryable
      ? retryDelayMs(
          this.config.webhooks.retryScheduleMs,
          job.attempt + 1,
          response && THROTTLING_STATUSES.has(response.status) ? response.retryAfterSeconds : undefined,
        )
      : undefined;
    const outcome: AttemptOutcome = {
      status: succeeded ? 'succeeded' : retryable ? 'pending' : 'failed',
      url: endpoint?.url ?? delivery.url,
      lastStatusCode: response?.status ?? null,
      lastError: describeFailure(response, failure),
      nextAttemptAt: nextDelayMs === undefined ? null : new Date(now.getTime() + nextDelayMs),
      deliveredAt: succeeded ? new Date() : null,
    };

    const recorded = await this.repository.transaction(async (tx) => {
      if (!(await this.repository.recordAttempt(delivery.id, job.attempt, outcome, tx))) return false;
      if (!endpoint?.enabled) return true;
      if (succeeded) {
        await this.repository.markEndpointHealthy(endpoint.id, tx);
        return true;
      }
      const failingSince = await this.repository.markEndpointFailing(endpoint.id, now, tx);
      if (gone) {
        await this.repository.disableEndpoint(endpoint.id, 'the receiver answered 410 Gone', tx);
      } else if (now.getTime() - failingSince.getTime() >= this.config.webhooks.disableAfterMs) {
        await this.repository.disableEndpoint(
          endpoint.id,
          `every delivery failed since ${failingSince.toISOString()}`,
          tx,
        );
      }
      return true;
    });
    if (!recorded) return;
    if (outcome.status === 'failed') {
      this.logger.warn(`webhook delivery ${delivery.id} failed after attempt ${job.attempt}: ${outcome.lastError}`);
    }
    if (nextDelayMs !== undefined) {
      await this.jobs.enqueue([{ ...job, attempt: job.attempt + 1, delayMs: nextDelayMs }]);
    }
  }
}
