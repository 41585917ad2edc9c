import { poseOf } from '../pose-templates/pose-templates.service.js';
import type { Keypoint, Pose } from '../pose-templates/skeleton/keypoints.js';
import type { ClaimedSlot, GenerationContextRow, GenerationsRepository } from './generations.repository.js';

/** A slot's template, with its pose built once for every slot that uses it. */
export interface ContextTemplate {
  pose: Pose;
  productPlacement: string | null;
}

export interface GenerationContext {
  context: GenerationContextRow;
  template: ContextTemplate;
}

interface Entry {
  loadedAt: number;
  value: Promise<{ context: GenerationContextRow; templates: Map<string, ContextTemplate> }>;
}

/** How long a generation's context is reused before it is read again (a brand kit edit lands within it). */
export const CONTEXT_TTL_MS = 60_000;
/** Generations whose context one process keeps at once; the oldest is dropped first. */
const MAX_GENERATIONS = 256;

/**
 * What every slot of a generation shares, read once per generation and process rather than once per slot:
 * the generation's settings, its brand kit colours, the avatar and product image keys, and every template
 * its slots use (one query). Only what a cancel or retry never changes is cached; whether the slot may run
 * is decided by its claim, which reads the generation's status each time, so a cancel is seen at the next
 * slot. An entry is read again after CONTEXT_TTL_MS, so an edited brand kit reaches a long batch.
 */
export class GenerationContexts {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly repository: Pick<GenerationsRepository, 'generationContext' | 'generationTemplates'>,
    private readonly now: () => number = Date.now,
  ) {}

  async forSlot(slot: Pick<ClaimedSlot, 'generationId' | 'poseTemplateId'>): Promise<GenerationContext> {
    const { context, templates } = await this.entry(slot.generationId).value;
    const template = templates.get(slot.poseTemplateId);
    if (!template) throw new Error(`template ${slot.poseTemplateId} is not among generation ${slot.generationId}'s`);
    return { context, template };
  }

  private entry(generationId: string): Entry {
    const cached = this.entries.get(generationId);
    if (cached && this.now() - cached.loadedAt < CONTEXT_TTL_MS) return cached;
    const entry: Entry = { loadedAt: this.now(), value: this.load(generationId) };
    // A failed read is not kept: the next slot reads again.
    entry.value.catch(() => {
      if (this.entries.get(generationId) === entry) this.entries.delete(generationId);
    });
    this.entries.delete(generationId);
    this.entries.set(generationId, entry);
    if (this.entries.size > MAX_GENERATIONS) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  private async load(generationId: string) {
    const [context, rows] = await Promise.all([
      this.repository.generationContext(generationId),
      this.repository.generationTemplates(generationId),
    ]);
    if (!context) throw new Error(`generation ${generationId} vanished while its slots run`);
    const templates = new Map(
      rows.map((row) => [
        row.id,
        {
          pose: poseOf({ ...row, keypoints: row.keypoints as unknown as Keypoint[] }),
          productPlacement: row.productPlacement,
        },
      ]),
    );
    return { context, templates };
  }
}
