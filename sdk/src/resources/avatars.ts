import type { RequestOptions } from '../core.js';
import type { Avatar, BodyOf, QueryOf, Schemas } from '../types.js';
import { toFormData, type Uploadable } from '../uploads.js';
import { Resource } from './resource.js';

export type AvatarCreateParams = Omit<Schemas['CreateAvatarUploadDto'], 'file'> & {
  /** The model photo: JPEG, PNG or WebP. */
  file: Uploadable;
  filename?: string;
};

export class Avatars extends Resource {
  async create({ file, filename, ...fields }: AvatarCreateParams, options?: RequestOptions) {
    const form = await toFormData(fields, [{ field: 'file', file, filename }]);
    return this.call<Avatar>({ method: 'POST', path: '/v1/avatars', form }, options);
  }

  retrieve(id: string, options?: RequestOptions) {
    return this.call<Avatar>({ method: 'GET', path: '/v1/avatars/{id}', pathParams: { id } }, options);
  }

  list(query: QueryOf<'listAvatars'> = {}, options?: RequestOptions) {
    return this.paginate<Avatar>('/v1/avatars', { query }, options);
  }

  update(id: string, body: BodyOf<'updateAvatar'>, options?: RequestOptions) {
    return this.call<Avatar>({ method: 'PATCH', path: '/v1/avatars/{id}', pathParams: { id }, body }, options);
  }

  delete(id: string, options?: RequestOptions) {
    return this.call<void>({ method: 'DELETE', path: '/v1/avatars/{id}', pathParams: { id } }, options);
  }
}
