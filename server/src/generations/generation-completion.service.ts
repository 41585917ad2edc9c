import { Injectable } from '@nestjs/common';
import type { GenerationStatus } from '../generated/prisma/enums.js';
import { GenerationEvents, type ProgressSnapshot } from './generation-events.js';
import { GenerationsRepository, type GenerationCounters } from './generations.repository.js';

/** completed when every slot succeeded, failed when none did, partial in between. */
export function finalStatus(counters: GenerationCounters): GenerationStatus {
  if (counters.successfulPoses === counters.totalPoses) return 'completed';
  return counters.successfulPoses === 0 ? 'failed' : 'partial';
}

function snapshot(counters: GenerationCounters, status: GenerationStatus = counters.status): ProgressSnapshot {
  const { progress, totalPoses, successfulPoses, failedPoses, canceledPoses } = counters;
  return { status, progress, totalPoses, successfulPoses, failedPoses, canceledPoses };
}

/**
 * After each slot: a progress event; after the last one, the single move to a
 * final status. The conditional UPDATE decides which worker performs it, so the
 * statistics and the `generation.completed` event happen exactly once.
 */
@Injectable()
export class GenerationCompletion {
  constructor(
    private readonly repository: GenerationsRepository,
    private readonly events: GenerationEvents,
  ) {}

  async afterSlot(generationId: string, counters: GenerationCounters): Promise<void> {
    await this.events.publish(generationId, { type: 'progress', ...snapshot(counters) });
    const finished = counters.successfulPoses + counters.failedPoses + counters.canceledPoses;
    if (finished < counters.totalPoses) return;
    if (counters.status === 'canceled') {
      await this.events.publish(generationId, { type: 'completed', ...snapshot(counters) });
      return;
    }
    const status = finalStatus(counters);
    const transitioned = await this.repository.transaction(async (tx) => {
      if (!(await this.repository.complete(generationId, status, ['pending', 'processing'], tx))) return false;
      await this.repository.recordTemplateOutcomes(generationId, tx);
      const generation = await this.repository.findById(generationId, tx);
      await this.repository.recordEvent(
        generation.userId,
        'generation.completed',
        {
          generation: {
            id: generation.id,
            status,
            totalPoses: generation.totalPoses,
            successfulPoses: generation.successfulPoses,
            failedPoses: generation.failedPoses,
            creditUsed: generation.creditUsed,
            completedAt: generation.completedAt?.toISOString() ?? null,
            links: {
              poses: `/v1/generations/${generation.id}/poses`,
              archive: `/v1/generations/${generation.id}/archive`,
            },
          },
        },
        tx,
      );
      return true;
    });
    if (transitioned) await this.events.publish(generationId, { type: 'completed', ...snapshot(counters, status) });
  }
}
