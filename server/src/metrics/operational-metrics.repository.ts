import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../infra/database/database.service.js';

export interface ProviderWindowRow {
  provider: string;
  succeeded: number;
  avgMs: number | null;
  p95Ms: number | null;
}

/** Operator figures across all users, read from the database (the source of truth for all work). */
@Injectable()
export class OperationalMetricsRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Slots of running generations by status: the generation queue's real depth, whatever the driver holds. */
  unfinishedSlots() {
    return this.database.client.generatedPose.groupBy({
      by: ['status'],
      where: { status: { in: ['pending', 'processing'] }, generation: { status: { in: ['pending', 'processing'] } } },
      _count: { _all: true },
    });
  }

  /** Succeeded slots per provider since `since`, with mean and 95th percentile provider time. */
  providerLatency(since: Date): Promise<ProviderWindowRow[]> {
    return this.database.client.$queryRaw<ProviderWindowRow[]>`
      SELECT "provider",
             COUNT(*)::int AS "succeeded",
             AVG("generationTime")::float AS "avgMs",
             PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY "generationTime")::float AS "p95Ms"
      FROM "GeneratedPose"
      WHERE "status" = 'succeeded' AND "completedAt" >= ${since} AND "provider" IS NOT NULL
      GROUP BY "provider"
      ORDER BY "provider"`;
  }

  /** Failed slots by failure code since `since`. */
  slotFailures(since: Date) {
    return this.database.client.generatedPose.groupBy({
      by: ['failureCode'],
      where: { status: 'failed', completedAt: { gte: since } },
      _count: { _all: true },
      orderBy: { failureCode: 'asc' },
    });
  }

  webhookDeliveries() {
    return this.database.client.webhookDelivery.groupBy({ by: ['status'], _count: { _all: true } });
  }

  webhookEndpoints() {
    return this.database.client.webhookEndpoint.groupBy({ by: ['enabled'], _count: { _all: true } });
  }
}
