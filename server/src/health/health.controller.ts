import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { Unlimited } from '../common/limits/rate-limit.guard.js';
import { HealthDto, ReadinessDto } from './dto/health.dto.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Public()
@Unlimited()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process is up. */
  @Get()
  getHealth(): HealthDto {
    return { status: 'ok' };
  }

  /** The process can serve: the database answers, and Redis when configured. */
  @Get('ready')
  @ApiProblems(503)
  getReadiness(): Promise<ReadinessDto> {
    return this.health.readiness();
  }
}
