import type { RequestOptions } from '../core.js';
import type { BodyOf, GeneratedPose, ResultOf } from '../types.js';
import { Resource } from './resource.js';

export class GeneratedPoses extends Resource {
  retrieve(id: string, options?: RequestOptions) {
    return this.call<GeneratedPose>({ method: 'GET', path: '/v1/generated-poses/{id}', pathParams: { id } }, options);
  }

  /** Rates a pose. */
  update(id: string, body: BodyOf<'updateGeneratedPose'>, options?: RequestOptions) {
    return this.call<GeneratedPose>(
      { method: 'PATCH', path: '/v1/generated-poses/{id}', pathParams: { id }, body },
      options,
    );
  }

  /** A cropped copy for a marketplace format; answers a signed URL. */
  export(id: string, body: BodyOf<'createPoseExport'>, options?: RequestOptions) {
    return this.call<ResultOf<'createPoseExport'>>(
      { method: 'POST', path: '/v1/generated-poses/{id}/exports', pathParams: { id }, body },
      options,
    );
  }
}
