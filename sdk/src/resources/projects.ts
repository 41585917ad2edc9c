import type { RequestOptions } from '../core.js';
import type { BodyOf, Project, QueryOf } from '../types.js';
import { Resource } from './resource.js';

export class Projects extends Resource {
  create(body: BodyOf<'createProject'>, options?: RequestOptions) {
    return this.call<Project>({ method: 'POST', path: '/v1/projects', body }, options);
  }

  retrieve(id: string, options?: RequestOptions) {
    return this.call<Project>({ method: 'GET', path: '/v1/projects/{id}', pathParams: { id } }, options);
  }

  list(query: QueryOf<'listProjects'> = {}, options?: RequestOptions) {
    return this.paginate<Project>('/v1/projects', { query }, options);
  }

  update(id: string, body: BodyOf<'updateProject'>, options?: RequestOptions) {
    return this.call<Project>({ method: 'PATCH', path: '/v1/projects/{id}', pathParams: { id }, body }, options);
  }

  delete(id: string, options?: RequestOptions) {
    return this.call<void>({ method: 'DELETE', path: '/v1/projects/{id}', pathParams: { id } }, options);
  }
}
