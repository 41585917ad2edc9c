import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { GenerationCompletion } from './generation-completion.service.js';
import { GenerationEvents } from './generation-events.js';
import { GenerationsRepository, type CountResult } from './generations.repository.js';

/**
 * Folds finished slots into their generation's counters in batches: a slot that finishes asks for a count
 * within GENERATION_PROGRESS_INTERVAL_MS, and one count takes every slot finished by then, in whatever
 * process. So the generation row, the user's credits and the templates' means are written once per interval
 * rather than once per slot, and a progress event is published per count. Nothing is lost if a process dies
 * between finishing a slot and counting it: the slot row says it is uncounted, and the next count (another
 * slot's, or the reconciliation's) takes it.
 */
@Injectable()
export class GenerationProgress implements BeforeApplicationShutdown {
  private readonly logger = new Logger(GenerationProgress.name);
  private readonly scheduled = new Map<string, NodeJS.Timeout>();
  /** The count running per generation in this process: counts of one generation run one after another. */
  private readonly counting = new Map<string, Promise<void>>();
  private closing = false;

  constructor(
    private readonly repository: GenerationsRepository,
    private readonly completion: GenerationCompletion,
    private readonly events: GenerationEvents,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A slot of this generation finished here: it is counted within the interval. */
  slotFinished(generationId: string): void {
    if (this.closing || this.scheduled.has(generationId)) return;
    const timer = setTimeout(() => {
      this.scheduled.delete(generationId);
      this.count(generationId).catch((error: unknown) => {
        this.logger.warn(`counting generation ${generationId} failed, retried: ${String(error)}`);
        this.slotFinished(generationId);
      });
    }, this.config.generation.progressIntervalMs);
    this.scheduled.set(generationId, timer);
  }

  /** Counts the generation's finished slots now (after any count of it already running here). */
  count(generationId: string): Promise<void> {
    const previous = this.counting.get(generationId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.countNow(generationId));
    this.counting.set(generationId, next);
    const forget = () => {
      if (this.counting.get(generationId) === next) this.counting.delete(generationId);
    };
    next.then(forget, forget);
    return next;
  }

  /** The reconciliation's part: generations whose finished slots no count took (their process died). */
  async countStale(): Promise<number> {
    const generationIds = await this.repository.generationsWithUncountedSlots();
    for (const generationId of generationIds) await this.count(generationId);
    return generationIds.length;
  }

  /** Counts what is scheduled before the database closes; slots finishing later are left to the next count. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    const generationIds = [...this.scheduled.keys()];
    for (const timer of this.scheduled.values()) clearTimeout(timer);
    this.scheduled.clear();
    await Promise.allSettled([...generationIds.map((id) => this.count(id)), ...this.counting.values()]);
  }

  private async countNow(generationId: string): Promise<void> {
    const { counters, poses } = await this.repository.transaction(async (tx): Promise<CountResult> => {
      await this.repository.lockCounts(tx);
      const result = await this.repository.countFinished(generationId, tx);
      // The cancel recorded the generation's metrics; a slot that lands after it counts on its own.
      if (result.counters?.status === 'canceled') {
        const { userId, brandKitId } = result.counters;
        for (const pose of result.poses) {
          if (pose.status === 'canceled') continue;
          await this.metrics.recordLatePose(
            {
              userId,
              brandKitId,
              finishedAt: new Date(),
              succeeded: pose.status === 'succeeded',
              creditsUsed: pose.creditsCharged,
              seconds: (pose.generationTime ?? 0) / 1000,
            },
            tx,
          );
        }
      }
      return result;
    });
    if (!counters) return;
    for (const pose of poses) {
      if (pose.status === 'succeeded') {
        await this.events.publish(generationId, {
          type: 'pose.succeeded',
          poseId: pose.id,
          slotIndex: pose.slotIndex,
          qualityScore: pose.qualityScore,
          lowQuality: pose.lowQuality,
        });
      } else if (pose.status === 'failed') {
        await this.events.publish(generationId, {
          type: 'pose.failed',
          poseId: pose.id,
          slotIndex: pose.slotIndex,
          failureCode: pose.failureCode ?? 'provider_failed',
          failureReason: pose.failureReason ?? '',
        });
      }
    }
    await this.completion.afterCount(generationId, counters, poses.length);
  }
}
