import type { RequestOptions } from '../core.js';
import type { BodyOf, QueryOf, ResultOf, Schemas } from '../types.js';
import { Resource } from './resource.js';

type WebhookEndpoint = Schemas['WebhookEndpointDto'];
type WebhookDelivery = Schemas['WebhookDeliveryDto'];

export class WebhookEndpoints extends Resource {
  /** The answer's `secret` (`whsec_...`) is what `webhooks.verify` needs; keep it. */
  create(body: BodyOf<'createWebhookEndpoint'>, options?: RequestOptions) {
    return this.call<ResultOf<'createWebhookEndpoint'>>(
      { method: 'POST', path: '/v1/webhook-endpoints', body },
      options,
    );
  }

  retrieve(id: string, options?: RequestOptions) {
    return this.call<WebhookEndpoint>(
      { method: 'GET', path: '/v1/webhook-endpoints/{id}', pathParams: { id } },
      options,
    );
  }

  list(query: QueryOf<'listWebhookEndpoints'> = {}, options?: RequestOptions) {
    return this.paginate<WebhookEndpoint>('/v1/webhook-endpoints', { query }, options);
  }

  update(id: string, body: BodyOf<'updateWebhookEndpoint'>, options?: RequestOptions) {
    return this.call<WebhookEndpoint>(
      { method: 'PATCH', path: '/v1/webhook-endpoints/{id}', pathParams: { id }, body },
      options,
    );
  }

  delete(id: string, options?: RequestOptions) {
    return this.call<void>({ method: 'DELETE', path: '/v1/webhook-endpoints/{id}', pathParams: { id } }, options);
  }

  /** A new secret; the old one keeps signing beside it for a while, so receivers can switch without a gap. */
  rotateSecret(id: string, options?: RequestOptions) {
    return this.call<ResultOf<'rotateWebhookEndpointSecret'>>(
      { method: 'POST', path: '/v1/webhook-endpoints/{id}/rotate-secret', pathParams: { id } },
      options,
    );
  }

  /** Sends a test event. */
  test(id: string, options?: RequestOptions) {
    return this.call<WebhookDelivery>(
      { method: 'POST', path: '/v1/webhook-endpoints/{id}/test', pathParams: { id } },
      options,
    );
  }

  deliveries(id: string, query: QueryOf<'listWebhookDeliveries'> = {}, options?: RequestOptions) {
    return this.paginate<WebhookDelivery>(
      '/v1/webhook-endpoints/{id}/deliveries',
      { pathParams: { id }, query },
      options,
    );
  }

  /** Queues every failed delivery since a point in time again. */
  recover(id: string, body: BodyOf<'recoverWebhookDeliveries'>, options?: RequestOptions) {
    return this.call<ResultOf<'recoverWebhookDeliveries'>>(
      { method: 'POST', path: '/v1/webhook-endpoints/{id}/recover', pathParams: { id }, body },
      options,
    );
  }

  retrieveDelivery(deliveryId: string, options?: RequestOptions) {
    return this.call<WebhookDelivery>(
      { method: 'GET', path: '/v1/webhook-deliveries/{id}', pathParams: { id: deliveryId } },
      options,
    );
  }

  /** Sends one delivery again, with its original `webhook-id`. */
  replayDelivery(deliveryId: string, options?: RequestOptions) {
    return this.call<WebhookDelivery>(
      { method: 'POST', path: '/v1/webhook-deliveries/{id}/replay', pathParams: { id: deliveryId } },
      options,
    );
  }
}
