import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, type AuthContext } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { PaginationQueryDto } from '../common/pagination/pagination-query.dto.js';
import { ResourceIdPipe } from '../common/validation/resource-id.pipe.js';
import { CreateWebhookEndpointDto } from './dto/create-webhook-endpoint.dto.js';
import { UpdateWebhookEndpointDto } from './dto/update-webhook-endpoint.dto.js';
import {
  RecoveredWebhookDeliveriesDto,
  RecoverWebhookDeliveriesDto,
  WebhookDeliveryDto,
  WebhookDeliveryListDto,
} from './dto/webhook-delivery.dto.js';
import {
  WebhookEndpointDto,
  WebhookEndpointListDto,
  WebhookEndpointWithSecretDto,
} from './dto/webhook-endpoint.dto.js';
import { WebhooksService } from './webhooks.service.js';

const endpointId = new ResourceIdPipe('Webhook endpoint');

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** Registers an endpoint. The answer carries its `secret`, shown only here and on rotation. */
  @Post()
  @ApiProblems(422)
  createWebhookEndpoint(
    @CurrentAuth() auth: AuthContext,
    @Body() body: CreateWebhookEndpointDto,
  ): Promise<WebhookEndpointWithSecretDto> {
    return this.webhooks.create(auth.userId, body);
  }

  /** Your webhook endpoints, newest first. */
  @Get()
  listWebhookEndpoints(
    @CurrentAuth() auth: AuthContext,
    @Query() query: PaginationQueryDto,
  ): Promise<WebhookEndpointListDto> {
    return this.webhooks.list(auth.userId, query.limit, query.cursor);
  }

  /** One webhook endpoint (its secret is not shown). */
  @Get(':id')
  @ApiProblems(404)
  getWebhookEndpoint(
    @CurrentAuth() auth: AuthContext,
    @Param('id', endpointId) id: string,
  ): Promise<WebhookEndpointDto> {
    return this.webhooks.get(auth.userId, id);
  }

  /** Changes the given fields; `enabled: true` re-enables a disabled endpoint. */
  @Patch(':id')
  @ApiProblems(404, 422)
  updateWebhookEndpoint(
    @CurrentAuth() auth: AuthContext,
    @Param('id', endpointId) id: string,
    @Body() body: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointDto> {
    return this.webhooks.update(auth.userId, id, body);
  }

  /** Deletes the endpoint and its delivery log. */
  @Delete(':id')
  @HttpCode(204)
  @ApiProblems(404)
  deleteWebhookEndpoint(@CurrentAuth() auth: AuthContext, @Param('id', endpointId) id: string): Promise<void> {
    return this.webhooks.delete(auth.userId, id);
  }

  /** A new secret; the old one keeps signing alongside it (a second `v1,` signature) for 24 hours. */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiProblems(404)
  rotateWebhookEndpointSecret(
    @CurrentAuth() auth: AuthContext,
    @Param('id', endpointId) id: string,
  ): Promise<WebhookEndpointWithSecretDto> {
    return this.webhooks.rotateSecret(auth.userId, id);
  }

  /** Sends a `webhook.test` event to this endpoint; answers its delivery. */
  @Post(':id/test')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  @ApiProblems(404, 409)
  testWebhookEndpoint(
    @CurrentAuth() auth: AuthContext,
    @Param('id', endpointId) id: string,
  ): Promise<WebhookDeliveryDto> {
    return this.webhooks.sendTest(auth.userId, id);
  }

  /** The endpoint's deliveries, newest first: attempts, last status code and error, next attempt. */
  @Get(':id/deliveries')
  @ApiProblems(404)
  listWebhookDeliveries(
    @CurrentAuth() auth: AuthContext,
    @Param('id', endpointId) id: string,
    @Query() query: PaginationQueryDto,
  ): Promise<WebhookDeliveryListDto> {
    return this.webhooks.listDeliveries(auth.userId, id, query.limit, query.cursor);
  }

  /** Sends every delivery to this endpoint that failed since `since` once more. */
  @Post(':id/recover')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RecoveredWebhookDeliveriesDto })
  @ApiProblems(404)
  recoverWebhookDeliveries(
    @CurrentAuth() auth: AuthContext,
    @Param('id', endpointId) id: string,
    @Body() body: RecoverWebhookDeliveriesDto,
  ): Promise<RecoveredWebhookDeliveriesDto> {
    return this.webhooks.recover(auth.userId, id, new Date(body.since));
  }
}
