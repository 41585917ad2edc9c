import { ApiProperty } from '@nestjs/swagger';
import { GenerationStatus } from '../../generated/prisma/enums.js';

export class GenerationDto {
  id!: string;
  @ApiProperty({ enum: GenerationStatus, enumName: 'GenerationStatus' })
  status!: GenerationStatus;
  /** Finished slots (succeeded, failed or canceled) as a percentage, 0-100. */
  progress!: number;
  totalPoses!: number;
  successfulPoses!: number;
  failedPoses!: number;
  canceledPoses!: number;
  /** The provider asked for, or the first of the failover chain. */
  provider!: string;
  modelId!: string | null;
  creditUsed!: number;
  projectId!: string | null;
  brandKitId!: string;
  avatarId!: string;
  productId!: string;
  /** The requested distribution, or `{"poseTemplateIds": [...]}`. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  poseDistribution!: Record<string, unknown>;
  basePrompt!: string;
  negativePrompt!: string | null;
  seed!: number | null;
  width!: number;
  height!: number;
  webhookUrl!: string | null;
  createdAt!: string;
  startedAt!: string | null;
  completedAt!: string | null;
}

export class GenerationListDto {
  data!: GenerationDto[];
  nextCursor!: string | null;
}

export class GenerationQuoteDto {
  /** Slots the generation would create. */
  totalPoses!: number;
  /** Credits if every slot succeeds. */
  credits!: number;
  /** Seconds until done at the configured concurrency, from the provider's typical latency. */
  estimatedSeconds!: number;
  provider!: string;
  /** Slots per category as resolved from the distribution. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } })
  slotsByCategory!: Record<string, number>;
}
