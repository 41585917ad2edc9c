import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, type AuthContext } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { ResourceIdPipe } from '../common/validation/resource-id.pipe.js';
import { WebhookDeliveryDto } from './dto/webhook-delivery.dto.js';
import { WebhooksService } from './webhooks.service.js';

const deliveryId = new ResourceIdPipe('Webhook delivery');

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiProblems(401, 404)
@Controller('v1/webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** One webhook delivery: its event, attempts, last status code and next attempt. */
  @Get(':id')
  getWebhookDelivery(
    @CurrentAuth() auth: AuthContext,
    @Param('id', deliveryId) id: string,
  ): Promise<WebhookDeliveryDto> {
    return this.webhooks.getDelivery(auth.userId, id);
  }

  /** Sends a succeeded or failed delivery once more, with the same `webhook-id`; 409 while it is pending. */
  @Post(':id/replay')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  @ApiProblems(409)
  replayWebhookDelivery(
    @CurrentAuth() auth: AuthContext,
    @Param('id', deliveryId) id: string,
  ): Promise<WebhookDeliveryDto> {
    return this.webhooks.replay(auth.userId, id);
  }
}
