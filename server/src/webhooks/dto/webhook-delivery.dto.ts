import { ApiProperty } from '@nestjs/swagger';
import { IsDateString } from 'class-validator';
import { WebhookDeliveryStatus } from '../../generated/prisma/enums.js';

export class WebhookDeliveryDto {
  id!: string;
  endpointId!: string | null;
  /** Also the `webhook-id` header of every attempt. */
  eventId!: string;
  eventType!: string;
  url!: string;
  @ApiProperty({ enum: WebhookDeliveryStatus, enumName: 'WebhookDeliveryStatus' })
  status!: WebhookDeliveryStatus;
  /** Attempts made so far. */
  attempts!: number;
  lastStatusCode!: number | null;
  lastError!: string | null;
  /** When the next attempt runs; null once the delivery succeeded or failed for good. */
  nextAttemptAt!: string | null;
  deliveredAt!: string | null;
  createdAt!: string;
}

export class WebhookDeliveryListDto {
  data!: WebhookDeliveryDto[];
  nextCursor!: string | null;
}

export class RecoverWebhookDeliveriesDto {
  /** Failed deliveries created at or after this time are sent once more. */
  @IsDateString({ strict: true })
  since!: string;
}

export class RecoveredWebhookDeliveriesDto {
  /** Deliveries queued again. */
  recovered!: number;
}
