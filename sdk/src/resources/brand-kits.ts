import type { RequestOptions } from '../core.js';
import type { BodyOf, BrandKit, QueryOf, ResultOf } from '../types.js';
import { toFormData, type Uploadable } from '../uploads.js';
import { Resource } from './resource.js';

export class BrandKits extends Resource {
  create(body: BodyOf<'createBrandKit'>, options?: RequestOptions) {
    return this.call<BrandKit>({ method: 'POST', path: '/v1/brand-kits', body }, options);
  }

  retrieve(id: string, options?: RequestOptions) {
    return this.call<BrandKit>({ method: 'GET', path: '/v1/brand-kits/{id}', pathParams: { id } }, options);
  }

  list(query: QueryOf<'listBrandKits'> = {}, options?: RequestOptions) {
    return this.paginate<BrandKit>('/v1/brand-kits', { query }, options);
  }

  update(id: string, body: BodyOf<'updateBrandKit'>, options?: RequestOptions) {
    return this.call<BrandKit>({ method: 'PATCH', path: '/v1/brand-kits/{id}', pathParams: { id }, body }, options);
  }

  delete(id: string, options?: RequestOptions) {
    return this.call<void>({ method: 'DELETE', path: '/v1/brand-kits/{id}', pathParams: { id } }, options);
  }

  /** Sets the logo: JPEG, PNG (transparency kept) or WebP. */
  async uploadLogo(id: string, upload: { file: Uploadable; filename?: string }, options?: RequestOptions) {
    const form = await toFormData({}, [{ field: 'file', ...upload }]);
    return this.call<ResultOf<'updateBrandKitLogo'>>(
      { method: 'PUT', path: '/v1/brand-kits/{id}/logo', pathParams: { id }, form },
      options,
    );
  }
}
