import { Inject, Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { ProblemCode, ProblemException, type FieldError } from '../common/errors/problem.js';
import { decodeCursor, toPage, type Page } from '../common/pagination/pagination.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ProviderName } from '../config/config.schema.js';
import type { PoseGeneration } from '../generated/prisma/client.js';
import type { Gender, GenerationStatus } from '../generated/prisma/enums.js';
import type { TransactionClient } from '../infra/database/database.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { PoseSelectionService, templateGendersFor } from '../pose-templates/pose-selection.service.js';
import { PoseTemplatesService } from '../pose-templates/pose-templates.service.js';
import type { CreateGenerationDto } from './dto/create-generation.dto.js';
import type { GenerationDto, GenerationQuoteDto } from './dto/generation.dto.js';
import { GenerationCompletion, generationEventData, generationOutcome } from './generation-completion.service.js';
import { GenerationEvents } from './generation-events.js';
import { GenerationJobs } from './generation-jobs.js';
import { GenerationProgress } from './generation-progress.service.js';
import { buildPrompt, framingOf } from './generation-prompt.js';
import type { Framing } from '../pose-templates/library/framing.js';
import { GenerationsRepository } from './generations.repository.js';
import { ProjectsService } from './projects.service.js';
import { LOCAL_PREVIEW_MODEL_ID } from './providers/local-preview-provider.js';
import { REPLICATE_MODEL_VERSIONS } from './providers/replicate-provider.js';
import { WebhookDestinations } from '../webhooks/webhook-destinations.service.js';
import { WebhookEvents } from '../webhooks/webhook-events.service.js';
import { MAX_SEED, slotSeed } from './seeds.js';

export const DEFAULT_SIZE = { width: 768, height: 1024 };
/** Typical seconds per pose, for quotes before a provider has any history here. */
const TYPICAL_SECONDS: Record<ProviderName, number> = { 'local-preview': 0.3, huggingface: 12, fal: 6, replicate: 10 };

export function toGenerationDto(row: PoseGeneration): GenerationDto {
  return {
    id: row.id,
    status: row.status,
    progress: row.progress,
    totalPoses: row.totalPoses,
    successfulPoses: row.successfulPoses,
    failedPoses: row.failedPoses,
    canceledPoses: row.canceledPoses,
    avgQualityScore: row.avgQualityScore,
    lowQualityPoses: row.lowQualityPoses,
    rerenders: row.rerenders,
    identity: row.identity,
    compositeProduct: row.compositeProduct,
    provider: row.provider,
    modelId: row.modelId,
    creditUsed: row.creditUsed,
    projectId: row.projectId,
    brandKitId: row.brandKitId,
    avatarId: row.avatarId,
    productId: row.productId,
    poseDistribution: row.poseDistribution as Record<string, unknown>,
    basePrompt: row.basePrompt,
    negativePrompt: row.negativePrompt,
    seed: row.seed,
    width: row.width,
    height: row.height,
    webhookUrl: row.webhookUrl,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}

interface Plan {
  totalPoses: number;
  provider: ProviderName;
  credits: number;
  seed: number;
  /** One per slot: its template and its prompt, framed as the template frames the figure. */
  slots: Array<{ poseTemplateId: string; prompt: string }>;
  repeats: number;
  slotsByCategory: Record<string, number>;
  brandKitId: string;
  /** The generation's base prompt (no framing) and the negative prompt every slot shares. */
  prompt: { prompt: string; negativePrompt: string };
}

const invalid = (field: string, message: string) =>
  new ProblemException(400, ProblemCode.ValidationFailed, `Invalid request: check ${field}.`, [{ field, message }]);

@Injectable()
export class GenerationsService {
  constructor(
    private readonly repository: GenerationsRepository,
    private readonly projects: ProjectsService,
    private readonly selection: PoseSelectionService,
    private readonly templates: PoseTemplatesService,
    private readonly jobs: GenerationJobs,
    private readonly events: GenerationEvents,
    private readonly completion: GenerationCompletion,
    private readonly progress: GenerationProgress,
    private readonly webhooks: WebhookEvents,
    private readonly webhookDestinations: WebhookDestinations,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async quote(userId: string, input: CreateGenerationDto): Promise<GenerationQuoteDto> {
    const plan = await this.plan(userId, input);
    const waves = Math.ceil(plan.totalPoses / this.config.generation.concurrency);
    return {
      totalPoses: plan.totalPoses,
      credits: plan.credits,
      maxRendersPerPose: this.config.generation.qualityMaxRenders,
      estimatedSeconds: Math.ceil(waves * TYPICAL_SECONDS[plan.provider]),
      provider: plan.provider,
      repeats: plan.repeats,
      slotsByCategory: plan.slotsByCategory,
    };
  }

  /** A user's running generations are capped, so one tenant cannot queue work for everyone else to wait on. */
  private async assertBelowRunningCap(userId: string): Promise<void> {
    const cap = this.config.generation.maxRunning;
    if ((await this.repository.countRunning(userId)) < cap) return;
    throw new ProblemException(
      429,
      ProblemCode.TooManyRunningGenerations,
      `At most ${cap} generations may run at once; wait for one to finish or cancel one.`,
      undefined,
      { 'retry-after': '30' },
    );
  }

  /**
   * A batch is admitted when its worst case fits in what the quota leaves after the credits spent and those
   * that the user's unfinished slots may still cost: batches created one after another, or at once, cannot
   * together pass the quota. Runs in the create's transaction, with the user's row locked.
   */
  private async assertCreditsFor(userId: string, credits: number, tx: TransactionClient): Promise<void> {
    const { creditQuota: quota, creditsUsed: used } = await this.repository.lockUserCredits(userId, tx);
    if (quota === null) return;
    const reserved = (await this.repository.uncountedCredits(userId, tx)).reduce(
      (sum, { provider, charged, open }) => sum + charged + open * this.creditCost(provider),
      0,
    );
    const remaining = Math.max(0, quota - used - reserved);
    if (credits <= remaining) return;
    throw new ProblemException(
      402,
      ProblemCode.InsufficientCredits,
      `This generation needs up to ${credits} credits; ${remaining} of your ${quota} remain` +
        (reserved > 0 ? ` (${reserved} are held by unfinished generations).` : '.'),
    );
  }

  private creditCost(provider: ProviderName): number {
    return this.config.generation.creditCosts[provider] ?? 1;
  }

  /** Validates, chooses the templates, writes the generation with its slots, then enqueues one job per slot. */
  async create(userId: string, input: CreateGenerationDto): Promise<GenerationDto> {
    if (input.webhookUrl) await this.webhookDestinations.assertDeliverable(input.webhookUrl, 'webhookUrl');
    const plan = await this.plan(userId, input);
    await this.assertBelowRunningCap(userId);
    const { generation, pendingSlotIds } = await this.repository.createWithSlots(
      userId,
      {
        projectId: input.projectId ?? null,
        brandKitId: plan.brandKitId,
        avatarId: input.avatarId,
        productId: input.productId,
        totalPoses: plan.totalPoses,
        poseDistribution: input.distribution ?? { poseTemplateIds: input.poseTemplateIds ?? [] },
        provider: plan.provider,
        modelId: this.modelOf(plan.provider),
        basePrompt: plan.prompt.prompt,
        negativePrompt: plan.prompt.negativePrompt,
        seed: plan.seed,
        width: input.width ?? DEFAULT_SIZE.width,
        height: input.height ?? DEFAULT_SIZE.height,
        webhookUrl: input.webhookUrl ?? null,
        identity: input.identity ?? 'avatar',
        compositeProduct: input.compositeProduct ?? true,
      },
      plan.slots.map(({ poseTemplateId, prompt }, slotIndex) => ({
        poseTemplateId,
        prompt,
        seed: slotSeed(plan.seed, slotIndex),
      })),
      (tx) => this.assertCreditsFor(userId, plan.credits, tx),
    );
    await this.jobs.enqueue(pendingSlotIds);
    return toGenerationDto(generation);
  }

  async get(userId: string, id: string): Promise<GenerationDto> {
    return toGenerationDto(await this.requireOwned(userId, id));
  }

  async list(
    userId: string,
    filters: { projectId?: string; status?: GenerationStatus },
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<GenerationDto>> {
    return toPage(await this.repository.list(userId, filters, limit, decodeCursor(cursor)), limit, toGenerationDto);
  }

  /** Pending slots become canceled at once; slots already running finish and are kept. */
  async cancel(userId: string, id: string): Promise<GenerationDto> {
    const generation = await this.requireOwned(userId, id);
    if (!['pending', 'processing'].includes(generation.status)) {
      throw new ProblemException(409, ProblemCode.Conflict, `The generation is already ${generation.status}.`);
    }
    // Slots that finished before the cancel count as the generation's, not as late poses.
    await this.progress.count(id);
    const canceled = await this.repository.transaction(async (tx) => {
      await this.repository.lockCounts(tx);
      if (!(await this.repository.complete(id, 'canceled', ['pending', 'processing'], tx))) return undefined;
      const canceledSlots = await this.repository.cancelPendingSlots(id, tx);
      const counters = await this.repository.countCanceled(id, canceledSlots, tx);
      const updated = await this.repository.findById(id, tx);
      // Slots still running finish after this and are counted as they land (SlotRunner).
      await this.metrics.recordGeneration(
        generationOutcome(updated, await this.repository.createdPoseMilliseconds(id, tx)),
        tx,
      );
      const recorded = await this.webhooks.record(
        tx,
        userId,
        'generation.canceled',
        generationEventData(updated),
        updated.webhookUrl,
      );
      return { counters, recorded, canceledSlots };
    });
    if (canceled) {
      await this.webhooks.dispatch(canceled.recorded);
      await this.completion.afterCount(id, canceled.counters, canceled.canceledSlots);
    }
    return this.get(userId, id);
  }

  /** Puts only the failed slots back to pending and runs them again. */
  async retry(userId: string, id: string): Promise<GenerationDto> {
    const generation = await this.requireOwned(userId, id);
    if (!['partial', 'failed'].includes(generation.status)) {
      throw new ProblemException(
        409,
        ProblemCode.Conflict,
        `Only a partial or failed generation can be retried; this one is ${generation.status}.`,
      );
    }
    const reopened = await this.repository.transaction(async (tx) => {
      const slotIds = await this.repository.reopenFailedSlots(id, tx);
      // The retried generation's next final status records it whole again.
      if (slotIds.length > 0) {
        const createdPoseMs = await this.repository.createdPoseMilliseconds(id, tx);
        await this.metrics.retractGeneration(generationOutcome(generation, createdPoseMs), tx);
      }
      return slotIds;
    });
    await this.jobs.enqueue(reopened);
    return this.get(userId, id);
  }

  async requireOwned(userId: string, id: string): Promise<PoseGeneration> {
    const generation = await this.repository.findOwned(userId, id);
    if (!generation) throw ProblemException.notFound('Generation');
    return generation;
  }

  subscribe(generationId: string, listener: Parameters<GenerationEvents['subscribe']>[1]) {
    return this.events.subscribe(generationId, listener);
  }

  /** The model the first provider of the chain renders with; each slot records the one that actually did. */
  private modelOf(provider: ProviderName): string {
    const models: Record<ProviderName, string> = {
      'local-preview': LOCAL_PREVIEW_MODEL_ID,
      huggingface: this.config.huggingface.model,
      fal: this.config.fal.model,
      replicate: `${this.config.replicate.model}:${REPLICATE_MODEL_VERSIONS[this.config.replicate.model]}`,
    };
    return models[provider];
  }

  private providerFor(input: CreateGenerationDto): ProviderName {
    const configured = this.config.generation.providers;
    if (input.provider && !configured.includes(input.provider)) {
      throw invalid('provider', `provider must be one of the configured providers: ${configured.join(', ')}`);
    }
    return input.provider ?? configured[0];
  }

  private async plan(userId: string, input: CreateGenerationDto): Promise<Plan> {
    if ((input.distribution === undefined) === (input.poseTemplateIds === undefined)) {
      throw invalid('distribution', 'give either distribution or poseTemplateIds');
    }
    const requested = input.distribution
      ? Object.entries(input.distribution)
      : [['poseTemplateIds', input.poseTemplateIds!.length] as const];
    const badCounts = requested.filter(([, count]) => !Number.isInteger(count) || count < 1);
    if (input.distribution && (requested.length === 0 || badCounts.length > 0)) {
      throw invalid('distribution', 'distribution must map categories to whole numbers of poses, each at least 1');
    }
    const totalPoses = requested.reduce((sum, [, count]) => sum + count, 0);
    const maxPoses = this.config.generation.maxPoses;
    if (totalPoses > maxPoses) {
      throw new ProblemException(
        422,
        ProblemCode.TooManyPoses,
        `A generation has at most ${maxPoses} poses; this one asks for ${totalPoses}.`,
        [{ field: input.distribution ? 'distribution' : 'poseTemplateIds', message: `total must be 1-${maxPoses}` }],
      );
    }
    const provider = this.providerFor(input);

    const [avatar, product] = await Promise.all([
      this.repository.findAvatar(userId, input.avatarId),
      this.repository.findProduct(userId, input.productId),
    ]);
    if (!avatar) throw ProblemException.notFound('Avatar');
    if (!product) throw ProblemException.notFound('Product');
    if (input.projectId) await this.projects.requireOwned(userId, input.projectId);
    const brandKit = await this.repository.findBrandKit(userId, input.brandKitId ?? avatar.brandKitId);
    if (!brandKit) throw ProblemException.notFound('Brand kit');

    const seed = input.seed ?? randomInt(MAX_SEED);
    const { templates, slotsByCategory } = input.distribution
      ? await this.chooseTemplates(userId, input.distribution, seed, input.gender ?? avatar.gender)
      : await this.checkTemplates(userId, input.poseTemplateIds!);
    const sources = { brandKit, product, avatar, extra: input.prompt?.extra, negative: input.prompt?.negative };
    // Five framings at most, so each prompt is built once however many slots share it.
    const framedPrompts = new Map<Framing, string>();
    const promptFor = (framing: Framing) => {
      if (!framedPrompts.has(framing)) framedPrompts.set(framing, buildPrompt({ ...sources, framing }).prompt);
      return framedPrompts.get(framing)!;
    };
    return {
      totalPoses,
      provider,
      credits: totalPoses * this.creditCost(provider),
      seed,
      slots: templates.map((template) => ({ poseTemplateId: template.id, prompt: promptFor(framingOf(template)) })),
      repeats: templates.length - new Set(templates.map((template) => template.id)).size,
      slotsByCategory,
      brandKitId: brandKit.id,
      prompt: buildPrompt(sources),
    };
  }

  /**
   * Diverse, seed-deterministic templates per category, for the model's gender; categories without any
   * are named in one error.
   */
  private async chooseTemplates(
    userId: string,
    distribution: Record<string, number>,
    seed: number,
    gender: Gender | null,
  ) {
    const chosen = await Promise.all(
      Object.entries(distribution).map(async ([category, count]) => ({
        category,
        picks: await this.selection.selectDiverse(userId, { category, count, seed: `${seed}:${category}`, gender }),
      })),
    );
    const forGender = templateGendersFor(gender) ? ` for a ${gender} model` : '';
    const unknown: FieldError[] = chosen
      .filter((entry) => entry.picks.length === 0)
      .map((entry) => ({
        field: `distribution.${entry.category}`,
        message: `no pose templates in category ${entry.category}${forGender}`,
      }));
    if (unknown.length > 0) {
      throw new ProblemException(
        422,
        ProblemCode.UnknownCategory,
        `Unknown pose categories: ${unknown.map((error) => error.field.slice('distribution.'.length)).join(', ')}. ` +
          'GET /v1/pose-templates/categories lists them.',
        unknown,
      );
    }
    return {
      templates: chosen.flatMap((entry) => entry.picks),
      slotsByCategory: Object.fromEntries(chosen.map((entry) => [entry.category, entry.picks.length])),
    };
  }

  /** Explicit templates: each must be visible to the user (404 otherwise); slots follow the given order. */
  private async checkTemplates(userId: string, ids: string[]) {
    const templates = await Promise.all([...new Set(ids)].map((id) => this.templates.get(userId, id)));
    const byId = new Map(templates.map((template) => [template.id, template]));
    const slotsByCategory: Record<string, number> = {};
    for (const category of ids.map((id) => byId.get(id)!.category)) {
      slotsByCategory[category] = (slotsByCategory[category] ?? 0) + 1;
    }
    return { templates: ids.map((id) => byId.get(id)!), slotsByCategory };
  }
}
