import { Injectable } from '@nestjs/common';
import { DatabaseService, type TransactionClient } from '../infra/database/database.service.js';

export interface MetricsKey {
  userId: string;
  brandKitId: string;
  designType: string;
  period: string;
}

export type MetricsIncrements = Partial<
  Record<'generations' | 'timesFailed' | 'timesExported' | 'creditsUsed' | 'totalTimeSaved', number>
>;

/** Designs created (or, negative, taken back) and the seconds they took, for the running mean. */
export interface CreationChange {
  count: number;
  seconds: number;
}

export interface MetricsFilter {
  brandKitId?: string;
  designType?: string;
  fromPeriod?: string;
  toPeriod?: string;
}

/** DesignMetrics rows: bumped atomically by the transaction of the event that causes them, read as stored. */
@Injectable()
export class MetricsRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Adds to the counters of one row, creating it on first use (a native INSERT ... ON CONFLICT). */
  async increment(
    key: MetricsKey,
    increments: MetricsIncrements,
    tx: TransactionClient,
    created: CreationChange = { count: 0, seconds: 0 },
  ): Promise<string> {
    const row = await tx.designMetrics.upsert({
      where: { userId_brandKitId_designType_period: key },
      create: key,
      update: {},
      select: { id: true },
    });
    // One UPDATE: the mean is re-weighted with the count it had, in the same statement that moves the count.
    await tx.$executeRaw`
      UPDATE "DesignMetrics"
      SET "avgCreationTime" = CASE WHEN "timesCreated" + ${created.count} > 0
            THEN ("avgCreationTime" * "timesCreated" + ${created.seconds}) / ("timesCreated" + ${created.count})
            ELSE 0 END,
          "timesCreated" = "timesCreated" + ${created.count},
          "timesFailed" = "timesFailed" + ${increments.timesFailed ?? 0},
          "timesExported" = "timesExported" + ${increments.timesExported ?? 0},
          "generations" = "generations" + ${increments.generations ?? 0},
          "creditsUsed" = "creditsUsed" + ${increments.creditsUsed ?? 0},
          "totalTimeSaved" = "totalTimeSaved" + ${increments.totalTimeSaved ?? 0},
          "updatedAt" = NOW()
      WHERE "id" = ${row.id}::uuid`;
    return row.id;
  }

  /** One more export of `format` in the row's breakdown, as a single UPDATE so concurrent exports add up. */
  async countFormat(id: string, format: string, tx: TransactionClient): Promise<void> {
    await tx.$executeRaw`
      UPDATE "DesignMetrics"
      SET "formatBreakdown" = jsonb_set("formatBreakdown", ARRAY[${format}], to_jsonb(COALESCE(("formatBreakdown" ->> ${format})::int, 0) + 1))
      WHERE "id" = ${id}::uuid`;
  }

  list(userId: string, filter: MetricsFilter) {
    return this.database.client.designMetrics.findMany({
      where: {
        userId,
        ...(filter.brandKitId ? { brandKitId: filter.brandKitId } : {}),
        ...(filter.designType ? { designType: filter.designType } : {}),
        period: { gte: filter.fromPeriod, lte: filter.toPeriod },
      },
      orderBy: [{ period: 'desc' }, { brandKitId: 'asc' }, { designType: 'asc' }],
    });
  }
}
