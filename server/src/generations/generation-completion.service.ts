import { Injectable } from '@nestjs/common';
import type { PoseGeneration } from '../generated/prisma/client.js';
import type { GenerationStatus } from '../generated/prisma/enums.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { WebhookEvents } from '../webhooks/webhook-events.service.js';
import { GenerationEvents, progressSnapshot } from './generation-events.js';
import { GenerationsRepository, type GenerationCounters } from './generations.repository.js';

/** completed when every slot succeeded, failed when none did, partial in between. */
export function finalStatus(counters: GenerationCounters): GenerationStatus {
  if (counters.successfulPoses === counters.totalPoses) return 'completed';
  return counters.successfulPoses === 0 ? 'failed' : 'partial';
}

/**
 * The `data` of `generation.completed` and `generation.canceled`: counts and links, never
 * the poses themselves, so the event stays a few hundred bytes whatever the batch size.
 */
export function generationEventData(generation: PoseGeneration) {
  return {
    generation: {
      id: generation.id,
      status: generation.status,
      projectId: generation.projectId,
      brandKitId: generation.brandKitId,
      totalPoses: generation.totalPoses,
      successfulPoses: generation.successfulPoses,
      failedPoses: generation.failedPoses,
      canceledPoses: generation.canceledPoses,
      creditUsed: generation.creditUsed,
      avgQualityScore: generation.avgQualityScore,
      lowQualityPoses: generation.lowQualityPoses,
      rerenders: generation.rerenders,
      completedAt: generation.completedAt?.toISOString() ?? null,
      links: { poses: `/v1/generations/${generation.id}/poses`, archive: `/v1/generations/${generation.id}/archive` },
    },
  };
}

/** What the metrics count for a generation that reached a final status. */
export function generationOutcome(generation: PoseGeneration, createdPoseMs: number) {
  return {
    creationSeconds: createdPoseMs / 1000,
    userId: generation.userId,
    brandKitId: generation.brandKitId,
    finishedAt: generation.completedAt ?? new Date(),
    posesCreated: generation.successfulPoses,
    posesFailed: generation.failedPoses,
    creditsUsed: generation.creditUsed,
  };
}

/**
 * After each count of finished slots: a progress event; after the count that reaches the total, the single
 * move to a final status. The conditional UPDATE decides which count performs it, so the statistics and
 * the `generation.completed` event happen exactly once.
 */
@Injectable()
export class GenerationCompletion {
  constructor(
    private readonly repository: GenerationsRepository,
    private readonly events: GenerationEvents,
    private readonly webhooks: WebhookEvents,
    private readonly metrics: MetricsService,
  ) {}

  /** `counted` is how many slots the count that returned `counters` folded in. */
  async afterCount(generationId: string, counters: GenerationCounters, counted: number): Promise<void> {
    await this.events.publish(generationId, { type: 'progress', ...progressSnapshot(counters) });
    const finished = counters.successfulPoses + counters.failedPoses + counters.canceledPoses;
    if (finished < counters.totalPoses) return;
    if (counters.status === 'canceled') {
      // Counts fold each slot in once, so only one of them crosses the total.
      if (finished - counted < counters.totalPoses) {
        await this.events.publish(generationId, { type: 'completed', ...progressSnapshot(counters) });
      }
      return;
    }
    const status = finalStatus(counters);
    const recorded = await this.repository.transaction(async (tx) => {
      await this.repository.lockCounts(tx);
      if (!(await this.repository.complete(generationId, status, ['pending', 'processing'], tx))) return undefined;
      await this.repository.recordTemplateOutcomes(generationId, tx);
      const generation = await this.repository.findById(generationId, tx);
      await this.metrics.recordGeneration(
        generationOutcome(generation, await this.repository.createdPoseMilliseconds(generationId, tx)),
        tx,
      );
      return this.webhooks.record(
        tx,
        generation.userId,
        'generation.completed',
        generationEventData(generation),
        generation.webhookUrl,
      );
    });
    if (!recorded) return;
    await this.webhooks.dispatch(recorded);
    await this.events.publish(generationId, { type: 'completed', ...progressSnapshot(counters, status) });
  }
}
