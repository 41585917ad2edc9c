import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, type AuthContext } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import {
  DesignMetricsListDto,
  ListMetricsQueryDto,
  MetricsSummaryDto,
  PeriodRangeQueryDto,
} from './dto/metrics.dto.js';
import { MetricsService } from './metrics.service.js';

@ApiTags('metrics')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('v1/metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Your usage rows per brand kit, design type and month (newest month first). */
  @Get()
  listMetrics(@CurrentAuth() auth: AuthContext, @Query() query: ListMetricsQueryDto): Promise<DesignMetricsListDto> {
    return this.metrics.list(auth.userId, query);
  }

  /** Totals per brand kit and per month over a range of months. */
  @Get('summary')
  getMetricsSummary(@CurrentAuth() auth: AuthContext, @Query() query: PeriodRangeQueryDto): Promise<MetricsSummaryDto> {
    return this.metrics.summary(auth.userId, query.from, query.to);
  }
}
