import type { RequestOptions } from '../core.js';
import type { ApiKey, BodyOf, QueryOf, ResultOf } from '../types.js';
import { Resource } from './resource.js';

export class ApiKeys extends Resource {
  /** The answer's `secret` is shown only once. */
  create(body: BodyOf<'createApiKey'>, options?: RequestOptions) {
    return this.call<ResultOf<'createApiKey'>>({ method: 'POST', path: '/v1/api-keys', body }, options);
  }

  list(query: QueryOf<'listApiKeys'> = {}, options?: RequestOptions) {
    return this.paginate<ApiKey>('/v1/api-keys', { query }, options);
  }

  revoke(id: string, options?: RequestOptions) {
    return this.call<ApiKey>({ method: 'DELETE', path: '/v1/api-keys/{id}', pathParams: { id } }, options);
  }
}
