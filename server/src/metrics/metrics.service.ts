import { Injectable } from '@nestjs/common';
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
}

export interface PoseExport {
  userId: string;
  brandKitId: string;
  format: string;
  exportedAt: Date;
}

const POSE: DesignType = 'pose';

function emptyTotals(): MetricsTotalsDto {
  return { generations: 0, posesCreated: 0, posesFailed: 0, exports: 0, exportFormats: {}, creditsUsed: 0 };
}

function addTo(totals: MetricsTotalsDto, row: DesignMetrics): MetricsTotalsDto {
  totals.generations += row.generations;
  totals.posesCreated += row.posesCreated;
  totals.posesFailed += row.posesFailed;
  totals.exports += row.exports;
  totals.creditsUsed += row.creditsUsed;
  for (const [format, count] of Object.entries(row.exportFormats as Record<string, number>)) {
    totals.exportFormats[format] = (totals.exportFormats[format] ?? 0) + count;
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
function totalsBy<Key extends string | null>(rows: DesignMetrics[], keyOf: (row: DesignMetrics) => Key) {
  const totals = new Map<Key, MetricsTotalsDto>();
  for (const row of rows) totals.set(keyOf(row), addTo(totals.get(keyOf(row)) ?? emptyTotals(), row));
  return [...totals];
}

/**
 * Usage per user, brand kit, design type and month. Writers call in from the
 * transaction of the event itself (a generation's final status, an export), so
 * the counters move exactly when the fact does; readers get the stored rows.
 */
@Injectable()
export class MetricsService {
  constructor(private readonly repository: MetricsRepository) {}

  async recordGeneration(outcome: GenerationOutcome, tx: TransactionClient): Promise<void> {
    await this.repository.increment(
      {
        userId: outcome.userId,
        brandKitId: outcome.brandKitId,
        designType: POSE,
        period: periodOf(outcome.finishedAt),
      },
      {
        generations: 1,
        posesCreated: outcome.posesCreated,
        posesFailed: outcome.posesFailed,
        creditsUsed: outcome.creditsUsed,
      },
      tx,
    );
  }

  /** Takes a generation's outcome back out before a retry reopens it; its next final status records it whole again. */
  async retractGeneration(outcome: GenerationOutcome, tx: TransactionClient): Promise<void> {
    await this.repository.increment(
      {
        userId: outcome.userId,
        brandKitId: outcome.brandKitId,
        designType: POSE,
        period: periodOf(outcome.finishedAt),
      },
      {
        generations: -1,
        posesCreated: -outcome.posesCreated,
        posesFailed: -outcome.posesFailed,
        creditsUsed: -outcome.creditsUsed,
      },
      tx,
    );
  }

  /** Poses of a canceled generation that finish after the cancel: counted as they land. */
  async recordLatePose(
    outcome: Omit<GenerationOutcome, 'posesCreated' | 'posesFailed'> & { succeeded: boolean },
    tx: TransactionClient,
  ): Promise<void> {
    await this.repository.increment(
      {
        userId: outcome.userId,
        brandKitId: outcome.brandKitId,
        designType: POSE,
        period: periodOf(outcome.finishedAt),
      },
      { [outcome.succeeded ? 'posesCreated' : 'posesFailed']: 1, creditsUsed: outcome.creditsUsed },
      tx,
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
      { exports: 1 },
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
    return {
      byBrandKit: totalsBy(rows, (row) => row.brandKitId).map(([brandKitId, totals]) => ({ brandKitId, ...totals })),
      byPeriod: totalsBy(rows, (row) => row.period).map(([period, totals]) => ({ period, ...totals })),
    };
  }
}
