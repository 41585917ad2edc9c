import { Injectable } from '@nestjs/common';
import { DatabaseService, type TransactionClient } from '../infra/database/database.service.js';

export interface MetricsKey {
  userId: string;
  brandKitId: string;
  designType: string;
  period: string;
}

export type MetricsIncrements = Partial<
  Record<'generations' | 'posesCreated' | 'posesFailed' | 'exports' | 'creditsUsed', number>
>;

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
  async increment(key: MetricsKey, increments: MetricsIncrements, tx: TransactionClient): Promise<string> {
    const row = await tx.designMetrics.upsert({
      where: { userId_brandKitId_designType_period: key },
      create: { ...key, ...increments },
      update: Object.fromEntries(Object.entries(increments).map(([field, by]) => [field, { increment: by }])),
      select: { id: true },
    });
    return row.id;
  }

  /** One more export of `format` in the row's breakdown, as a single UPDATE so concurrent exports add up. */
  async countFormat(id: string, format: string, tx: TransactionClient): Promise<void> {
    await tx.$executeRaw`
      UPDATE "DesignMetrics"
      SET "exportFormats" = jsonb_set("exportFormats", ARRAY[${format}], to_jsonb(COALESCE(("exportFormats" ->> ${format})::int, 0) + 1))
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
