import { Inject, Injectable, Logger } from '@nestjs/common';
import { buffer } from 'node:stream/consumers';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ProviderName } from '../config/config.schema.js';
import { ObjectStorage } from '../infra/storage/object-storage.js';
import type { TransactionClient } from '../infra/database/database.service.js';
import { ImagePipeline, type PreparedImage } from '../media/image-pipeline.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { StoredImagesService } from '../media/stored-images.service.js';
import { Prisma } from '../generated/prisma/client.js';
import { poseOnOutput, renderControlImage } from '../pose-templates/rendering/control-image.js';
import { poseOf } from '../pose-templates/pose-templates.service.js';
import type { Keypoint, Pose } from '../pose-templates/skeleton/keypoints.js';
import { poseAdherence } from '../pose-templates/skeleton/pose-adherence.js';
import { POSE_DETECTOR, type PoseDetector } from '../vision/pose-detector.js';
import { GenerationEvents } from './generation-events.js';
import {
  GenerationsRepository,
  type GenerationCounters,
  type SlotQuality,
  type SlotWithContext,
} from './generations.repository.js';
import { GenerationCompletion } from './generation-completion.service.js';
import { LruCache } from '../pose-templates/lru-cache.js';
import { productAnchor } from './product-anchor.js';
import type { ProductPlacement } from './product-stage/product-placement.js';
import { ProductStageService } from './product-stage/product-stage.service.js';
import { renderSeed } from './seeds.js';
import { ProviderChain, ProviderChainError } from './providers/provider-chain.js';
import type { ChainSuccess } from './providers/provider-chain.js';
import type { PoseImageRequest, ProviderResult } from './providers/pose-image-provider.js';

export const PROVIDER_CHAIN = Symbol('PROVIDER_CHAIN');
const GENERATED_COLLECTION = 'generated-poses';
/** Avatar and product images of running batches: every slot of a batch reads the same two. */
const SOURCE_IMAGE_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Runs one pose slot, idempotently: a finished slot is skipped, a slot is
 * claimed before the provider is called, and its result is recorded only if it
 * is still the slot's running attempt. Provider failures fail the slot;
 * anything else (database, storage) is thrown for the queue to retry.
 */
@Injectable()
export class SlotRunner {
  private readonly logger = new Logger(SlotRunner.name);
  // Object keys are made once and never rewritten, so a key names its content for good.
  private readonly sourceImages = new LruCache<Buffer>(SOURCE_IMAGE_CACHE_BYTES, (image) => image.length);

  constructor(
    private readonly repository: GenerationsRepository,
    private readonly completion: GenerationCompletion,
    private readonly events: GenerationEvents,
    private readonly storage: ObjectStorage,
    private readonly images: ImagePipeline,
    private readonly storedImages: StoredImagesService,
    private readonly metrics: MetricsService,
    @Inject(PROVIDER_CHAIN) private readonly chain: ProviderChain,
    @Inject(POSE_DETECTOR) private readonly detector: PoseDetector,
    private readonly productStage: ProductStageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(slotId: string): Promise<void> {
    const slot = await this.repository.findSlot(slotId);
    if (!slot || slot.generation.status === 'canceled') return;
    if (!(await this.repository.startSlot(slot.id, slot.generationId))) return;

    const startedAt = performance.now();
    const outcome = await this.renderBest(slot, await this.requestFor(slot));
    if (outcome.kind === 'superseded') return;
    if (outcome.kind === 'failed') {
      const last = outcome.error.attempts.at(-1)?.error;
      await this.recordFailure(slot, last?.code ?? 'provider_failed', outcome.error.message);
      return;
    }
    await this.recordSuccess(slot, outcome, Math.round(performance.now() - startedAt));
  }

  /**
   * Renders until one render keeps the asked pose (qualityScore at least QUALITY_MIN_SCORE) or the render
   * budget is spent, and keeps the best. Each render is recorded before the next starts, so a run that
   * dies resumes with the renders left; the renders of a dead run are not kept (their images were never stored).
   */
  private async renderBest(slot: SlotWithContext, request: PoseImageRequest): Promise<RenderOutcome> {
    const { qualityMinScore, qualityMaxRenders } = this.config.generation;
    const pose = templatePose(slot);
    let best: ScoredRender | undefined;
    let renders = 0;
    for (let renderIndex = slot.renders; ; renderIndex++) {
      const seed = renderSeed(slot.seed, renderIndex);
      let rendered: ChainSuccess;
      try {
        rendered = await this.chainFor(slot.generation.provider).generate({ ...request, seed });
      } catch (error) {
        if (!(error instanceof ProviderChainError)) throw error;
        // A failed re-render does not undo a render already in hand.
        if (best) break;
        return { kind: 'failed', error };
      }
      // Provider output is untrusted bytes like any upload: sniffed, bounded, re-encoded, thumbnailed.
      const prepared = await this.images.prepare(rendered.result.image);
      const score = await this.score(rendered.result, prepared.image.data, pose);
      const recorded = await this.repository.recordRender(slot, {
        renderIndex,
        seed,
        provider: rendered.result.provider,
        modelId: rendered.result.modelId,
        qualityScore: score?.qualityScore ?? null,
        poseError: score?.poseError ?? null,
      });
      if (!recorded) return { kind: 'superseded' };
      renders += 1;
      if (!best || (score && best.score && score.qualityScore > best.score.qualityScore)) {
        best = { rendered, prepared, score };
      }
      if (!score || score.qualityScore >= qualityMinScore || renderIndex + 1 >= qualityMaxRenders) break;
    }
    const lowQuality = best.score !== undefined && best.score.qualityScore < qualityMinScore;
    return { kind: 'rendered', best, renders, lowQuality };
  }

  /** How well a render kept the asked pose; undefined when it is not scored (a local preview, or no detector). */
  private async score(result: ProviderResult, image: Buffer, pose: Pose): Promise<RenderScore | undefined> {
    if (result.isPreview || !this.detector.available) return undefined;
    const detection = await this.detector.detect(image);
    const person = detection.people[0];
    if (!person) return { qualityScore: 0, poseError: null, detectedKeypoints: null };
    const output = { width: detection.width, height: detection.height };
    const { qualityScore, poseError } = poseAdherence(poseOnOutput(pose, output), person.keypoints, output);
    return { qualityScore, poseError, detectedKeypoints: person.keypoints };
  }

  private chainFor(provider: string): ProviderChain {
    return this.chain.names.includes(provider as ProviderName)
      ? this.chain.preferring(provider as ProviderName)
      : this.chain;
  }

  private async readSourceImage(key: string): Promise<Buffer | undefined> {
    const cached = this.sourceImages.get(key);
    if (cached) return cached;
    const object = await this.storage.get(key);
    return object ? this.sourceImages.set(key, await buffer(object.stream)) : undefined;
  }

  private async requestFor(slot: SlotWithContext): Promise<PoseImageRequest> {
    const { generation, poseTemplate } = slot;
    const pose = templatePose(slot);
    const size = { width: generation.width, height: generation.height };
    const product = generation.product;
    const [control, avatarImage, productImage] = await Promise.all([
      renderControlImage(pose, size),
      this.readSourceImage(generation.avatar.image.key),
      this.readSourceImage((product.cutout ?? product.original).key),
    ]);
    return {
      controlImage: control.png,
      prompt: slot.prompt,
      negativePrompt: generation.negativePrompt ?? '',
      seed: slot.seed,
      ...size,
      identity: generation.identity,
      avatarImage,
      productImage,
      productAnchor: productAnchor(pose, product.placement ?? poseTemplate.productPlacement, size),
      brandColors: generation.brandKit.colors,
    };
  }

  private async recordSuccess(
    slot: SlotWithContext,
    outcome: Extract<RenderOutcome, { kind: 'rendered' }>,
    generationTime: number,
  ): Promise<void> {
    const { rendered, score } = outcome.best;
    const { result } = rendered;
    const { prepared, productPlacement } = await this.withProduct(slot, outcome.best);
    const credits = this.config.generation.creditCosts[result.provider] ?? 1;
    const quality: SlotQuality = {
      qualityScore: score?.qualityScore ?? null,
      lowQuality: outcome.lowQuality,
      rerenders: outcome.renders - 1,
    };
    const counters = await this.storedImages
      .store(
        slot.userId,
        GENERATED_COLLECTION,
        { output: prepared.image, thumbnail: prepared.thumbnail },
        async (tx, objectIds) => {
          const recorded = await this.repository.finishSlot(
            slot.id,
            {
              status: 'succeeded',
              outputObjectId: objectIds.output,
              thumbnailObjectId: objectIds.thumbnail,
              provider: result.provider,
              modelId: result.modelId,
              providerJobId: result.providerJobId ?? null,
              seed: result.seed,
              generationTime,
              qualityScore: quality.qualityScore,
              poseError: score?.poseError ?? null,
              lowQuality: quality.lowQuality,
              detectedKeypoints: score?.detectedKeypoints
                ? (score.detectedKeypoints as unknown as Prisma.InputJsonArray)
                : Prisma.DbNull,
              identity: result.identity,
              productPlacement: productPlacement ? { ...productPlacement } : Prisma.DbNull,
            },
            tx,
          );
          // Another run recorded this slot first: roll back, so the files are removed and nothing counts twice.
          if (!recorded) throw new SlotAlreadyFinished();
          await this.repository.chargeCredits(slot.userId, credits, tx);
          if (quality.qualityScore !== null)
            await this.repository.recordTemplateQuality(slot.poseTemplateId, quality.qualityScore, tx);
          const counted = await this.repository.countOutcome(slot.generationId, 'succeeded', 1, credits, tx, quality);
          await this.countIfLate(slot, counted, true, credits, generationTime, tx);
          return counted;
        },
      )
      .catch((error: unknown) => {
        if (error instanceof SlotAlreadyFinished) return undefined;
        throw error;
      });
    if (!counters) return;
    await this.events.publish(slot.generationId, {
      type: 'pose.succeeded',
      poseId: slot.id,
      slotIndex: slot.slotIndex,
      qualityScore: quality.qualityScore,
      lowQuality: quality.lowQuality,
    });
    await this.completion.afterSlot(slot.generationId, counters);
  }

  /**
   * The product stage: the cutout composited onto a hosted render at the point its placement names, found on
   * the detected joints, else on the asked skeleton. Skipped for local previews (which draw the product
   * themselves), when the generation turned it off, and for products without a cutout.
   */
  private async withProduct(
    slot: SlotWithContext,
    kept: ScoredRender,
  ): Promise<{ prepared: PreparedImage; productPlacement?: ProductPlacement }> {
    const { generation, poseTemplate } = slot;
    const { product } = generation;
    if (!generation.compositeProduct || kept.rendered.result.isPreview || !product.cutout) {
      return { prepared: kept.prepared };
    }
    const cutout = await this.readSourceImage(product.cutout.key);
    if (!cutout) return { prepared: kept.prepared };
    const output = { width: kept.prepared.image.width, height: kept.prepared.image.height };
    const composite = await this.productStage.composite({
      image: kept.prepared.image.data,
      cutout,
      productType: product.productType,
      placement: product.placement ?? poseTemplate.productPlacement ?? 'hand-right',
      detected: kept.score?.detectedKeypoints ?? undefined,
      requested: poseOnOutput(templatePose(slot), output),
    });
    return { prepared: await this.images.prepare(composite.image), productPlacement: composite.placement };
  }

  private async recordFailure(slot: SlotWithContext, failureCode: string, failureReason: string): Promise<void> {
    this.logger.warn(`slot ${slot.id} of generation ${slot.generationId} failed: ${failureReason}`);
    const counters = await this.repository.transaction(async (tx) => {
      const recorded = await this.repository.finishSlot(slot.id, { status: 'failed', failureCode, failureReason }, tx);
      if (!recorded) return undefined;
      const counted = await this.repository.countOutcome(slot.generationId, 'failed', 1, 0, tx);
      await this.countIfLate(slot, counted, false, 0, 0, tx);
      return counted;
    });
    if (!counters) return;
    await this.events.publish(slot.generationId, {
      type: 'pose.failed',
      poseId: slot.id,
      slotIndex: slot.slotIndex,
      failureCode,
      failureReason,
    });
    await this.completion.afterSlot(slot.generationId, counters);
  }

  /** The cancel recorded the generation's metrics; a slot that was still running when it came counts on its own. */
  private async countIfLate(
    slot: SlotWithContext,
    counters: GenerationCounters,
    succeeded: boolean,
    creditsUsed: number,
    generationTimeMs: number,
    tx: TransactionClient,
  ): Promise<void> {
    if (counters.status !== 'canceled') return;
    const { userId, brandKitId } = slot.generation;
    const seconds = generationTimeMs / 1000;
    await this.metrics.recordLatePose(
      { userId, brandKitId, finishedAt: new Date(), succeeded, creditsUsed, seconds },
      tx,
    );
  }
}

class SlotAlreadyFinished extends Error {}

interface RenderScore {
  qualityScore: number;
  poseError: number | null;
  detectedKeypoints: Keypoint[] | null;
}

interface ScoredRender {
  rendered: ChainSuccess;
  prepared: PreparedImage;
  score: RenderScore | undefined;
}

type RenderOutcome =
  | { kind: 'rendered'; best: ScoredRender; renders: number; lowQuality: boolean }
  | { kind: 'failed'; error: ProviderChainError }
  | { kind: 'superseded' };

function templatePose(slot: SlotWithContext): Pose {
  const { poseTemplate } = slot;
  return poseOf({ ...poseTemplate, keypoints: poseTemplate.keypoints as unknown as Keypoint[] });
}
