import { Injectable } from '@nestjs/common';
import { LruCache } from './lru-cache.js';
import { PoseTemplatesRepository } from './pose-templates.repository.js';
import type { Keypoint } from './skeleton/keypoints.js';

/** Enough for the shared library and the templates of many active users (about 1 KB each). */
const CACHED_TEMPLATES = 20_000;

/**
 * Templates' keypoints by template version. Rows come from the database
 * without them (see PoseTemplateRow); this fills them in from memory and
 * fetches only the versions it has not seen.
 */
@Injectable()
export class PoseKeypointsStore {
  private readonly cache = new LruCache<Keypoint[]>(CACHED_TEMPLATES);

  constructor(private readonly repository: PoseTemplatesRepository) {}

  async attach<Row extends { id: string; updatedAt: Date }>(
    rows: readonly Row[],
  ): Promise<Array<Row & { keypoints: Keypoint[] }>> {
    const keyOf = (id: string, updatedAt: Date) => `${id}:${updatedAt.getTime()}`;
    const known = new Map<string, Keypoint[]>();
    const missing: string[] = [];
    for (const row of rows) {
      const cached = this.cache.get(keyOf(row.id, row.updatedAt));
      if (cached) known.set(row.id, cached);
      else missing.push(row.id);
    }
    if (missing.length > 0) {
      for (const stored of await this.repository.keypointsOf(missing)) {
        known.set(
          stored.id,
          this.cache.set(keyOf(stored.id, stored.updatedAt), stored.keypoints as unknown as Keypoint[]),
        );
      }
    }
    // A row updated between the two queries gets its newer keypoints; one deleted meanwhile is left out.
    return rows.filter((row) => known.has(row.id)).map((row) => ({ ...row, keypoints: known.get(row.id)! }));
  }
}
