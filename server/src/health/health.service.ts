import { Injectable } from '@nestjs/common';
import { ProblemCode, ProblemException } from '../common/errors/problem.js';
import { DatabaseService } from '../infra/database/database.service.js';
import { RedisService } from '../infra/redis/redis.service.js';
import type { ReadinessDto } from './dto/health.dto.js';

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(check: Promise<void>): Promise<void> {
  return Promise.race([
    check,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref(),
    ),
  ]);
}

@Injectable()
export class HealthService {
  constructor(
    private readonly database: DatabaseService,
    private readonly redis: RedisService,
  ) {}

  async readiness(): Promise<ReadinessDto> {
    const checks: Record<string, () => Promise<void>> = { database: () => this.database.ping() };
    if (this.redis.configured) checks.redis = () => this.redis.ping();
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check());
          return { name, failure: undefined };
        } catch (error) {
          return { name, failure: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const failures = results.filter((result) => result.failure !== undefined);
    if (failures.length > 0) {
      throw new ProblemException(
        503,
        ProblemCode.ServiceUnavailable,
        `Not ready: ${failures.map((failure) => `${failure.name} (${failure.failure})`).join(', ')}.`,
      );
    }
    return { status: 'ok', checks: Object.fromEntries(results.map((result) => [result.name, 'ok' as const])) };
  }
}
