import { ApiProperty } from '@nestjs/swagger';
import { SUBSCRIBABLE_EVENT_TYPES } from '../webhook-event-types.js';

export class WebhookEndpointDto {
  id!: string;
  url!: string;
  description!: string | null;
  /** Event types delivered here. Empty for an endpoint made for a generation's `webhookUrl`. */
  @ApiProperty({ enum: SUBSCRIBABLE_EVENT_TYPES, enumName: 'WebhookEventType', isArray: true })
  events!: string[];
  /** False once disabled: by you, by a 410 answer, or after 5 days of failed deliveries. */
  enabled!: boolean;
  disabledAt!: string | null;
  disabledReason!: string | null;
  /** Start of the current run of failed attempts; null while deliveries succeed. */
  failingSince!: string | null;
  /** When the secret before the last rotation stops signing. */
  previousSecretExpiresAt!: string | null;
  createdAt!: string;
  updatedAt!: string;
}

/** Answered on creation and rotation only: the secret is never shown again. */
export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  /** `whsec_` + base64: verify signatures with it (Standard Webhooks). */
  secret!: string;
}

export class WebhookEndpointListDto {
  data!: WebhookEndpointDto[];
  nextCursor!: string | null;
}
