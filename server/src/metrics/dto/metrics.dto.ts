import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { DESIGN_TYPES, type DesignType } from '../design-types.js';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const PERIOD_MESSAGE = 'must be a month as YYYY-MM';

export class MetricsTotalsDto {
  /** Generations that reached a final status (completed, partial, failed or canceled). */
  generations!: number;
  /** Poses rendered successfully. */
  posesCreated!: number;
  posesFailed!: number;
  /** Exports to social formats. */
  exports!: number;
  /** Exports per format, e.g. `{"instagram-post": 2}`. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } })
  exportFormats!: Record<string, number>;
  creditsUsed!: number;
}

export class DesignMetricsDto extends MetricsTotalsDto {
  brandKitId!: string | null;
  @ApiProperty({ enum: DESIGN_TYPES, enumName: 'DesignType' })
  designType!: string;
  /** The month, `YYYY-MM` (UTC). */
  period!: string;
  updatedAt!: string;
}

export class DesignMetricsListDto {
  data!: DesignMetricsDto[];
}

export class PeriodRangeQueryDto {
  /** First month included, `YYYY-MM`. */
  @IsOptional()
  @Matches(PERIOD, { message: `from ${PERIOD_MESSAGE}` })
  from?: string;

  /** Last month included, `YYYY-MM`. */
  @IsOptional()
  @Matches(PERIOD, { message: `to ${PERIOD_MESSAGE}` })
  to?: string;
}

export class ListMetricsQueryDto extends PeriodRangeQueryDto {
  @IsOptional()
  @IsUUID()
  brandKitId?: string;

  /** One month, `YYYY-MM`. */
  @IsOptional()
  @Matches(PERIOD, { message: `period ${PERIOD_MESSAGE}` })
  period?: string;

  @IsOptional()
  @ApiProperty({ enum: DESIGN_TYPES, enumName: 'DesignType', required: false })
  @IsIn(DESIGN_TYPES)
  designType?: DesignType;
}

export class BrandKitTotalsDto extends MetricsTotalsDto {
  brandKitId!: string | null;
}

export class PeriodTotalsDto extends MetricsTotalsDto {
  period!: string;
}

export class MetricsSummaryDto {
  byBrandKit!: BrandKitTotalsDto[];
  byPeriod!: PeriodTotalsDto[];
}
