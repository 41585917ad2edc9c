import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  MaxLength,
} from 'class-validator';
import { SUBSCRIBABLE_EVENT_TYPES } from '../webhook-event-types.js';

export class CreateWebhookEndpointDto {
  /** Where events are POSTed; `https` only (plain `http` and private addresses only with WEBHOOK_ALLOW_PRIVATE). */
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  @ApiProperty({ example: 'https://198.51.100.7/webhooks/lumiku' })
  url!: string;

  /** Event types to deliver. */
  @ApiProperty({ enum: SUBSCRIBABLE_EVENT_TYPES, enumName: 'WebhookEventType', isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENT_TYPES.length)
  @IsIn(SUBSCRIBABLE_EVENT_TYPES, { each: true })
  events!: string[];

  @IsOptional()
  @IsString()
  @Length(1, 200)
  description?: string;
}
