import type { RequestOptions } from '../core.js';
import type { BodyOf, Product, QueryOf, Schemas } from '../types.js';
import { toFormData, type Uploadable } from '../uploads.js';
import { Resource } from './resource.js';

export type ProductCreateParams = Omit<Schemas['CreateProductUploadDto'], 'file'> & {
  /** The product photo: JPEG, PNG or WebP. Its background is removed unless `removeBackground` is false. */
  file: Uploadable;
  filename?: string;
};

export class Products extends Resource {
  async create({ file, filename, ...fields }: ProductCreateParams, options?: RequestOptions) {
    const form = await toFormData(fields, [{ field: 'file', file, filename }]);
    return this.call<Product>({ method: 'POST', path: '/v1/products', form }, options);
  }

  retrieve(id: string, options?: RequestOptions) {
    return this.call<Product>({ method: 'GET', path: '/v1/products/{id}', pathParams: { id } }, options);
  }

  list(query: QueryOf<'listProducts'> = {}, options?: RequestOptions) {
    return this.paginate<Product>('/v1/products', { query }, options);
  }

  update(id: string, body: BodyOf<'updateProduct'>, options?: RequestOptions) {
    return this.call<Product>({ method: 'PATCH', path: '/v1/products/{id}', pathParams: { id }, body }, options);
  }

  delete(id: string, options?: RequestOptions) {
    return this.call<void>({ method: 'DELETE', path: '/v1/products/{id}', pathParams: { id } }, options);
  }
}
