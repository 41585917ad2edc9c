import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { DESIGN_TYPES, type DesignType } from '../design-types.js';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const PERIOD_MESSAGE = 'must be a month as YYYY-MM';

export class MetricsTotalsDto {
  /** Designs made: poses rendered successfully, or avatars uploaded. */
  timesCreated!: number;
  /** Exports of this design type to social formats. */
  timesExported!: number;
  /** Exports per format, e.g. `{"instagram-post": 2}`. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } })
  formatBreakdown!: Record<string, number>;
  /** Mean seconds to create one design. */
  avgCreationTime!: number;
  /** Estimated seconds of studio work saved: TIME_SAVED_PER_POSE_SECONDS for each pose created. */
  totalTimeSaved!: number;
  /** Generations that reached a final status (pose rows). */
  generations!: number;
  /** Poses that failed (pose rows). */
  timesFailed!: number;
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
  @ApiPropertyOptional({ enum: DESIGN_TYPES, enumName: 'DesignType' })
  @IsIn(DESIGN_TYPES)
  designType?: DesignType;
}

export class BrandKitTotalsDto extends MetricsTotalsDto {
  brandKitId!: string | null;
  @ApiProperty({ enum: DESIGN_TYPES, enumName: 'DesignType' })
  designType!: DesignType;
}

export class PeriodTotalsDto extends MetricsTotalsDto {
  period!: string;
  @ApiProperty({ enum: DESIGN_TYPES, enumName: 'DesignType' })
  designType!: DesignType;
}

/** Totals per brand kit and per month, each split by design type: poses and avatar uploads never add up. */
export class MetricsSummaryDto {
  byBrandKit!: BrandKitTotalsDto[];
  byPeriod!: PeriodTotalsDto[];
}
