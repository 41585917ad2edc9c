import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { OperationalMetricsService } from './operational-metrics.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@ApiProblems(401, 403)
@Controller('metrics')
export class OperationalMetricsController {
  constructor(private readonly metrics: OperationalMetricsService) {}

  /** Prometheus text format for operators; needs `Authorization: Bearer <ADMIN_TOKEN>`. */
  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiProduces('text/plain')
  getOperationalMetrics(): Promise<string> {
    return this.metrics.render();
  }
}
