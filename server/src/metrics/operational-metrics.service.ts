import { Injectable } from '@nestjs/common';
import { OperationalMetricsRepository } from './operational-metrics.repository.js';

/** Provider figures cover this trailing window. */
const WINDOW_MS = 3_600_000;

type Labels = Record<string, string>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** One metric family in the Prometheus text exposition format. */
function family(name: string, help: string, samples: Array<[Labels, number]>): string {
  const lines = samples.map(([labels, value]) => {
    const pairs = Object.entries(labels).map(([key, text]) => `${key}="${escapeLabel(text)}"`);
    return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${value}`;
  });
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...lines].join('\n');
}

/** Operational metrics for operators (`GET /metrics`): queue depth, provider latency and errors, webhook outcomes. */
@Injectable()
export class OperationalMetricsService {
  constructor(private readonly repository: OperationalMetricsRepository) {}

  async render(): Promise<string> {
    const since = new Date(Date.now() - WINDOW_MS);
    const [slots, latency, failures, deliveries, endpoints] = await Promise.all([
      this.repository.unfinishedSlots(),
      this.repository.providerLatency(since),
      this.repository.slotFailures(since),
      this.repository.webhookDeliveries(),
      this.repository.webhookEndpoints(),
    ]);
    const families = [
      family(
        'lumiku_generation_slots_unfinished',
        'Slots of running generations waiting or in progress.',
        slots.map((row) => [{ status: row.status }, row._count._all]),
      ),
      family(
        'lumiku_provider_poses_succeeded_last_hour',
        'Poses rendered per provider in the last hour.',
        latency.map((row) => [{ provider: row.provider }, row.succeeded]),
      ),
      family(
        'lumiku_provider_latency_ms_last_hour',
        'Provider time per rendered pose in the last hour (mean and 95th percentile).',
        latency.flatMap((row): Array<[Labels, number]> => [
          [{ provider: row.provider, stat: 'mean' }, Math.round(row.avgMs ?? 0)],
          [{ provider: row.provider, stat: 'p95' }, Math.round(row.p95Ms ?? 0)],
        ]),
      ),
      family(
        'lumiku_poses_failed_last_hour',
        'Failed pose slots in the last hour, by failure code.',
        failures.map((row) => [{ code: row.failureCode ?? 'unknown' }, row._count._all]),
      ),
      family(
        'lumiku_webhook_deliveries',
        'Webhook deliveries by status.',
        deliveries.map((row) => [{ status: row.status }, row._count._all]),
      ),
      family(
        'lumiku_webhook_endpoints',
        'Webhook endpoints, enabled or disabled.',
        endpoints.map((row) => [{ state: row.enabled ? 'enabled' : 'disabled' }, row._count._all]),
      ),
    ];
    return `${families.join('\n')}\n`;
  }
}
