import type { RequestOptions } from '../core.js';
import type { PoseDetection } from '../types.js';
import { toFormData, type Uploadable } from '../uploads.js';
import { Resource } from './resource.js';

export interface PoseDetectionCreateParams {
  /** Sent as the part's filename; a File's own name, else `upload`. */
  filename?: string;
}

export class PoseDetections extends Resource {
  /**
   * Finds the people in a photo (JPEG, PNG or WebP) and their 18 OpenPose joints, normalised to the
   * upright image; `people` is empty when nobody is there. Nothing is stored.
   */
  async create(file: Uploadable, { filename }: PoseDetectionCreateParams = {}, options?: RequestOptions) {
    const form = await toFormData({}, [{ field: 'file', file, filename }]);
    return this.call<PoseDetection>({ method: 'POST', path: '/v1/pose-detections', form }, options);
  }
}
