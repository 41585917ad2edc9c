import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { DesignMetrics } from '../generated/prisma/client.js';
import type { TransactionClient } from '../infra/database/database.service.js';
import type { DesignType } from './design-types.js';
import type { DesignMetricsDto, ListMetricsQueryDto, MetricsSummaryDto, MetricsTotalsDto } from './dto/metrics.dto.js';
import { MetricsRepository } from './metrics.repository.js';

/** The UTC month a moment belongs to, `YYYY-MM`. */
export function periodOf(moment: Date): string {
  return moment.toISOString().slice(0, 7);
}

export interface GenerationOutcome {
  userId: string;
  brandKitId: string;
  finishedAt: Date;
  posesCreated: number;
  posesFailed: number;
  creditsUsed: number;
  /** Provider seconds of the poses created, summed, for the mean creation time. */
  creationSeconds: number;
}

export interface AvatarCreation {
  userId: string;
  brandKitId: string;
  createdAt: Date;
  /** Seconds the upload took to check, re-encode and store. */
  seconds: number;
}

export interface PoseExport {
  userId: string;
  brandKitId: string;
  format: string;
  exportedAt: Date;
}

const POSE: DesignType = 'pose';
const AVATAR: DesignType = 'avatar';

function emptyTotals(): MetricsTotalsDto {
  return {
    timesCreated: 0,
    timesExported: 0,
    formatBreakdown: {},
    avgCreationTime: 0,
    totalTimeSaved: 0,
    generations: 0,
    timesFailed: 0,
    creditsUsed: 0,
  };
}

/** Sums counts; the mean creation time is weighted by the designs each row created. */
function addTo(totals: MetricsTotalsDto, row: DesignMetrics): MetricsTotalsDto {
  const created = totals.timesCreated + row.timesCreated;
  totals.avgCreationTime =
    created > 0 ? (totals.avgCreationTime * totals.timesCreated + row.avgCreationTime * row.timesCreated) / created : 0;
  totals.timesCreated = created;
  totals.timesExported += row.timesExported;
  totals.totalTimeSaved += row.totalTimeSaved;
  totals.generations += row.generations;
  totals.timesFailed += row.timesFailed;
  totals.creditsUsed += row.creditsUsed;
  for (const [format, count] of Object.entries(row.formatBreakdown as Record<string, number>)) {
    totals.formatBreakdown[format] = (totals.formatBreakdown[format] ?? 0) + count;
  }
  return totals;
}

function toDto(row: DesignMetrics): DesignMetricsDto {
  return {
    brandKitId: row.brandKitId,
    designType: row.designType,
    period: row.period,
    ...addTo(emptyTotals(), row),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Totals per key, in first-seen order of the (already sorted) rows. */
/** Totals per (key, design type), in the order the rows first show each pair. */
function totalsBy<Key extends string | null>(rows: DesignMetrics[], keyOf: (row: DesignMetrics) => Key) {
  const totals = new Map<string, { key: [Key, DesignType]; totals: MetricsTotalsDto }>();
  for (const row of rows) {
    const key: [Key, DesignType] = [keyOf(row), row.designType as DesignType];
    const id = JSON.stringify(key);
    totals.set(id, { key, totals: addTo(totals.get(id)?.totals ?? emptyTotals(), row) });
  }
  return [...totals.values()].map(({ key, totals: sum }) => [key, sum] as const);
}

/**
 * Usage per user, brand kit, design type and month. Writers call in from the
 * transaction of the event itself (a generation's final status, an export), so
 * the counters move exactly when the fact does; readers get the stored rows.
 */
@Injectable()
export class MetricsService {
  constructor(
    private readonly repository: MetricsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Moves a brand kit's pose row by a generation's outcome: `generations` is 1, -1 (a retry), or 0 (a late pose). */
  private async applyPoses(outcome: GenerationOutcome, generations: number, sign: 1 | -1, tx: TransactionClient) {
    await this.repository.increment(
      {
        userId: outcome.userId,
        brandKitId: outcome.brandKitId,
        designType: POSE,
        period: periodOf(outcome.finishedAt),
      },
      {
        generations,
        timesFailed: sign * outcome.posesFailed,
        creditsUsed: sign * outcome.creditsUsed,
        totalTimeSaved: sign * outcome.posesCreated * this.config.generation.timeSavedPerPoseSeconds,
      },
      tx,
      { count: sign * outcome.posesCreated, seconds: sign * outcome.creationSeconds },
    );
  }

  async recordGeneration(outcome: GenerationOutcome, tx: TransactionClient): Promise<void> {
    await this.applyPoses(outcome, 1, 1, tx);
  }

  /** Takes a generation's outcome back out before a retry reopens it; its next final status records it whole again. */
  async retractGeneration(outcome: GenerationOutcome, tx: TransactionClient): Promise<void> {
    await this.applyPoses(outcome, -1, -1, tx);
  }

  /** A pose of a canceled generation that finishes after the cancel (which counted the generation): counted alone. */
  async recordLatePose(
    pose: Pick<GenerationOutcome, 'userId' | 'brandKitId' | 'finishedAt' | 'creditsUsed'> & {
      succeeded: boolean;
      seconds: number;
    },
    tx: TransactionClient,
  ): Promise<void> {
    const outcome = {
      ...pose,
      posesCreated: pose.succeeded ? 1 : 0,
      posesFailed: pose.succeeded ? 0 : 1,
      creationSeconds: pose.succeeded ? pose.seconds : 0,
    };
    await this.applyPoses(outcome, 0, 1, tx);
  }

  async recordAvatar(avatar: AvatarCreation, tx: TransactionClient): Promise<void> {
    await this.repository.increment(
      { userId: avatar.userId, brandKitId: avatar.brandKitId, designType: AVATAR, period: periodOf(avatar.createdAt) },
      {},
      tx,
      { count: 1, seconds: avatar.seconds },
    );
  }

  async recordExport(poseExport: PoseExport, tx: TransactionClient): Promise<void> {
    const id = await this.repository.increment(
      {
        userId: poseExport.userId,
        brandKitId: poseExport.brandKitId,
        designType: POSE,
        period: periodOf(poseExport.exportedAt),
      },
      { timesExported: 1 },
      tx,
    );
    await this.repository.countFormat(id, poseExport.format, tx);
  }

  async list(userId: string, query: ListMetricsQueryDto): Promise<{ data: DesignMetricsDto[] }> {
    const rows = await this.repository.list(userId, {
      brandKitId: query.brandKitId,
      designType: query.designType,
      fromPeriod: query.period ?? query.from,
      toPeriod: query.period ?? query.to,
    });
    return { data: rows.map(toDto) };
  }

  async summary(userId: string, from: string | undefined, to: string | undefined): Promise<MetricsSummaryDto> {
    const rows = await this.repository.list(userId, { fromPeriod: from, toPeriod: to });
    // Poses and avatar uploads count different things, so each total stays within one design type.
    return {
      byBrandKit: totalsBy(rows, (row) => row.brandKitId).map(([[brandKitId, designType], totals]) => ({
        brandKitId,
        designType,
        ...totals,
      })),
      byPeriod: totalsBy(rows, (row) => row.period).map(([[period, designType], totals]) => ({
        period,
        designType,
        ...totals,
      })),
    };
  }
}
