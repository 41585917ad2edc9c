import { PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CreateWebhookEndpointDto } from './create-webhook-endpoint.dto.js';

export class UpdateWebhookEndpointDto extends PartialType(CreateWebhookEndpointDto) {
  /** `true` re-enables a disabled endpoint and clears its failing streak. */
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
