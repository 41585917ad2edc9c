import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { MetricsRepository } from './metrics.repository.js';
import { MetricsService } from './metrics.service.js';
import { OperationalMetricsController } from './operational-metrics.controller.js';
import { OperationalMetricsRepository } from './operational-metrics.repository.js';
import { OperationalMetricsService } from './operational-metrics.service.js';

/**
 * Per-brand usage metrics (DesignMetrics), written by the transactions of the events
 * they count, and the operators' Prometheus view (`GET /metrics`).
 */
@Module({
  controllers: [MetricsController, OperationalMetricsController],
  providers: [MetricsRepository, MetricsService, OperationalMetricsRepository, OperationalMetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
