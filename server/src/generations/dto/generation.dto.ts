import { ApiProperty } from '@nestjs/swagger';
import { GenerationStatus, IdentityMode } from '../../generated/prisma/enums.js';

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
  /** Mean qualityScore of the scored poses; null until one is scored (local-preview poses never are). */
  avgQualityScore!: number | null;
  /** Poses whose best render still scored under the quality threshold. */
  lowQualityPoses!: number;
  /** Renders beyond the first, over all poses: each one was a provider call. */
  rerenders!: number;
  @ApiProperty({ enum: IdentityMode, enumName: 'IdentityMode' })
  identity!: IdentityMode;
  /** Whether the product is composited onto each hosted render. */
  compositeProduct!: boolean;
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
  /** Credits if every slot succeeds: one pose is charged once, however many renders it took. */
  credits!: number;
  /**
   * Up to this many renders per pose: a render that does not keep the asked pose is rendered again with a
   * new seed. Each render is a provider call; only the kept one is charged.
   */
  maxRendersPerPose!: number;
  /** Seconds until done at the configured concurrency, from the provider's typical latency. */
  estimatedSeconds!: number;
  provider!: string;
  /**
   * Slots that reuse a template an earlier slot of the batch already has: a category with fewer templates
   * (for the model's gender) than asked repeats them; 0 means every slot has its own template.
   */
  repeats!: number;
  /** Slots per category as resolved from the distribution. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } })
  slotsByCategory!: Record<string, number>;
}
