import { Injectable } from '@nestjs/common';
import type { PoseTemplateDto } from './dto/pose-template.dto.js';
import { PoseKeypointsStore } from './pose-keypoints.store.js';
import { PoseTemplatesRepository } from './pose-templates.repository.js';
import { PoseTemplatesService, poseOf } from './pose-templates.service.js';
import { selectDiverse } from './selection/diverse-selection.js';

export interface DiverseSelectionRequest {
  /** A category (`fashion-standing`) or a use case (`fashion`). */
  category: string;
  count: number;
  seed: number | string;
}

/**
 * Chooses the templates of a batch: spread over the category's poses, biased
 * to templates that generated well, the same for the same seed. Generations
 * resolve their pose distribution with it.
 */
@Injectable()
export class PoseSelectionService {
  constructor(
    private readonly repository: PoseTemplatesRepository,
    private readonly keypoints: PoseKeypointsStore,
    private readonly templates: PoseTemplatesService,
  ) {}

  /** `count` templates the user may use (repeating only if the category has fewer); empty when it has none. */
  async selectDiverse(userId: string, request: DiverseSelectionRequest): Promise<PoseTemplateDto[]> {
    const candidates = (await this.keypoints.attach(await this.repository.comparable(userId, request.category))).map(
      (row) => ({
        id: row.id,
        pose: poseOf(row),
        successRate: row.successRate,
      }),
    );
    const picks = selectDiverse(candidates, request.count, request.seed);
    const templates = await this.templates.getMany(
      userId,
      picks.map((pick) => pick.id),
    );
    // A template deleted since it was picked is left out rather than failing the batch.
    return picks.flatMap((pick) => templates.get(pick.id) ?? []);
  }
}
