import type { RequestOptions } from '../core.js';
import type { BodyOf, PoseTemplate, QueryOf, ResultOf, Schemas } from '../types.js';
import { toFormData, type Uploadable } from '../uploads.js';
import { Resource } from './resource.js';

export type PoseTemplateImportParams = Omit<Schemas['ImportPoseTemplatesDto'], 'files'> & {
  /** OpenPose or COCO keypoint JSON files. */
  files: { file: Uploadable; filename: string }[];
};

/** The optional fields of `fromPhoto`; what is left out is derived from the photo or defaulted. */
export type PoseTemplateFromPhotoParams = Omit<Schemas['CreatePoseTemplateFromPhotoDto'], 'file'> & {
  filename?: string;
};

export class PoseTemplates extends Resource {
  list(query: QueryOf<'listPoseTemplates'> = {}, options?: RequestOptions) {
    return this.paginate<PoseTemplate>('/v1/pose-templates', { query }, options);
  }

  retrieve(id: string, options?: RequestOptions) {
    return this.call<PoseTemplate>({ method: 'GET', path: '/v1/pose-templates/{id}', pathParams: { id } }, options);
  }

  categories(options?: RequestOptions) {
    return this.call<ResultOf<'listPoseTemplateCategories'>>(
      { method: 'GET', path: '/v1/pose-templates/categories' },
      options,
    );
  }

  similar(id: string, query: QueryOf<'listSimilarPoseTemplates'> = {}, options?: RequestOptions) {
    return this.call<ResultOf<'listSimilarPoseTemplates'>>(
      { method: 'GET', path: '/v1/pose-templates/{id}/similar', pathParams: { id }, query },
      options,
    );
  }

  /** The OpenPose control image (PNG) the renderer is given. */
  controlImage(id: string, query: QueryOf<'getPoseTemplateControlImage'> = {}, options?: RequestOptions) {
    return this.download(
      { method: 'GET', path: '/v1/pose-templates/{id}/control-image', pathParams: { id }, query },
      options,
    );
  }

  create(body: BodyOf<'createPoseTemplate'>, options?: RequestOptions) {
    return this.call<PoseTemplate>({ method: 'POST', path: '/v1/pose-templates', body }, options);
  }

  update(id: string, body: BodyOf<'updatePoseTemplate'>, options?: RequestOptions) {
    return this.call<PoseTemplate>(
      { method: 'PATCH', path: '/v1/pose-templates/{id}', pathParams: { id }, body },
      options,
    );
  }

  delete(id: string, options?: RequestOptions) {
    return this.call<void>({ method: 'DELETE', path: '/v1/pose-templates/{id}', pathParams: { id } }, options);
  }

  /** Imports keypoint files as your own templates; each bad file is reported, not fatal. */
  async import({ files, ...fields }: PoseTemplateImportParams, options?: RequestOptions) {
    const form = await toFormData(
      fields,
      files.map((part) => ({ field: 'files', ...part })),
    );
    return this.call<ResultOf<'importPoseTemplates'>>(
      { method: 'POST', path: '/v1/pose-templates/import', form },
      options,
    );
  }

  /**
   * Makes a template of your own from a photo of one person (JPEG, PNG or WebP): the detector's joints
   * become its keypoints. Throws UnprocessableEntityError with code `no_person_found` when nobody is there.
   */
  async fromPhoto(
    file: Uploadable,
    { filename, ...fields }: PoseTemplateFromPhotoParams = {},
    options?: RequestOptions,
  ) {
    const form = await toFormData(fields, [{ field: 'file', file, filename }]);
    return this.call<PoseTemplate>({ method: 'POST', path: '/v1/pose-templates/from-photo', form }, options);
  }
}
