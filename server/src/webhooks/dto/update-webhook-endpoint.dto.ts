import { PartialType } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { IsOmittable } from '../../common/validation/is-omittable.js';
import { CreateWebhookEndpointDto } from './create-webhook-endpoint.dto.js';

export class UpdateWebhookEndpointDto extends PartialType(CreateWebhookEndpointDto, { skipNullProperties: false }) {
  /** `true` re-enables a disabled endpoint and clears its failing streak. */
  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;
}
