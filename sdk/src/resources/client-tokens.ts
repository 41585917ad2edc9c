import type { RequestOptions } from '../core.js';
import type { BodyOf, ClientToken } from '../types.js';
import { Resource } from './resource.js';

export class ClientTokens extends Resource {
  /**
   * Mints a short-lived token for a browser, limited to one brand kit and the given scopes. Call it
   * on your server with the secret key and hand only the token to the page.
   */
  create(body: BodyOf<'createClientToken'>, options?: RequestOptions) {
    return this.call<ClientToken>({ method: 'POST', path: '/v1/client-tokens', body }, options);
  }
}
