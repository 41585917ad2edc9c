import { Injectable } from '@nestjs/common';
import type { Gender } from '../generated/prisma/enums.js';
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
  /** The model's gender: `female` or `male` keeps that gender's templates and the unisex ones; none keeps all. */
  gender?: Gender | null;
}

/** The templates a model of this gender can take: its own and the unisex ones; a unisex or unknown model takes any. */
export function templateGendersFor(gender: Gender | null | undefined): Gender[] | undefined {
  return gender === 'female' || gender === 'male' ? [gender, 'unisex'] : undefined;
}

/**
 * Chooses the templates of a batch: the model's gender's and unisex ones,
 * spread over the category's poses without mirror twins, biased to
 * templates that generated well, the same for the same seed. Generations
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
    const rows = await this.repository.comparable(userId, request.category, templateGendersFor(request.gender));
    const candidates = (await this.keypoints.attach(rows)).map((row) => ({
      id: row.id,
      pose: poseOf(row),
      successRate: row.successRate,
    }));
    const picks = selectDiverse(candidates, request.count, request.seed);
    const templates = await this.templates.getMany(
      userId,
      picks.map((pick) => pick.id),
    );
    // A template deleted since it was picked is left out rather than failing the batch.
    return picks.flatMap((pick) => templates.get(pick.id) ?? []);
  }
}
