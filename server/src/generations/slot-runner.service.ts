import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ProviderName } from '../config/config.schema.js';
import { ObjectStorage } from '../infra/storage/object-storage.js';
import { makeObjectKey } from '../infra/storage/object-key.js';
import { ImagePipeline, type CheckedImage, type EncodedImage, type PreparedImage } from '../media/image-pipeline.js';
import { StoredImagesService } from '../media/stored-images.service.js';
import { poseOnOutput, renderControlImage } from '../pose-templates/rendering/control-image.js';
import type { Keypoint, Pose } from '../pose-templates/skeleton/keypoints.js';
import { poseAdherence } from '../pose-templates/skeleton/pose-adherence.js';
import { POSE_DETECTOR, type PoseDetector } from '../vision/pose-detector.js';
import { GenerationContexts, type GenerationContext } from './generation-contexts.js';
import { GenerationProgress } from './generation-progress.service.js';
import {
  GenerationsRepository,
  type ClaimedSlot,
  type NewObjectRow,
  type RenderRecord,
} from './generations.repository.js';
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
 *
 * The path is kept to a few statements a slot: the claim (which also sees a cancel), one statement per
 * render beyond the last, and one that records the outcome with its files' rows and last render. What
 * all slots of a generation share is read once (GenerationContexts), and the generation's counters are
 * written in batches (GenerationProgress).
 */
@Injectable()
export class SlotRunner {
  private readonly logger = new Logger(SlotRunner.name);
  // Object keys are made once and never rewritten, so a key names its content for good.
  private readonly sourceImages = new LruCache<Buffer>(SOURCE_IMAGE_CACHE_BYTES, (image) => image.length);

  private readonly contexts: GenerationContexts;

  constructor(
    private readonly repository: GenerationsRepository,
    private readonly progress: GenerationProgress,
    private readonly storage: ObjectStorage,
    private readonly images: ImagePipeline,
    private readonly storedImages: StoredImagesService,
    @Inject(PROVIDER_CHAIN) private readonly chain: ProviderChain,
    @Inject(POSE_DETECTOR) private readonly detector: PoseDetector,
    private readonly productStage: ProductStageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.contexts = new GenerationContexts(repository);
  }

  async run(slotId: string): Promise<void> {
    const claimed = await this.repository.claimSlot(slotId);
    if (!claimed) return;
    const slot = { ...claimed, ...(await this.contexts.forSlot(claimed)) };

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
   * budget is spent, and keeps the best. A render that another follows is recorded before the next starts,
   * so a run that dies resumes with the renders left; the last one is recorded with the outcome. The
   * renders of a dead run are not kept (their images were never stored).
   */
  private async renderBest(slot: RunningSlot, request: PoseImageRequest): Promise<RenderOutcome> {
    const { qualityMinScore, qualityMaxRenders } = this.config.generation;
    let best: ScoredRender | undefined;
    let renders = 0;
    let unrecorded: RenderRecord | undefined;
    for (let renderIndex = slot.renders; ; renderIndex++) {
      if (unrecorded) {
        if (!(await this.repository.recordRender(slot, unrecorded))) return { kind: 'superseded' };
        unrecorded = undefined;
      }
      const seed = renderSeed(slot.seed, renderIndex);
      let rendered: ChainSuccess;
      try {
        rendered = await this.chainFor(slot.context.provider).generate({ ...request, seed });
      } catch (error) {
        if (!(error instanceof ProviderChainError)) throw error;
        // A failed re-render does not undo a render already in hand.
        if (best) break;
        return { kind: 'failed', error };
      }
      // Provider output is untrusted bytes like any upload: sniffed and bounded here; the render kept is
      // decoded strictly for its thumbnail when it is recorded, and re-encoded if it carries metadata.
      const checked = await this.images.check(rendered.result.image);
      const score = await this.score(rendered.result, slot.template.pose);
      unrecorded = {
        renderIndex,
        seed,
        provider: rendered.result.provider,
        modelId: rendered.result.modelId,
        qualityScore: score?.qualityScore ?? null,
        poseError: score?.poseError ?? null,
      };
      renders += 1;
      if (!best || (score && best.score && score.qualityScore > best.score.qualityScore)) {
        best = { rendered, checked, score };
      }
      if (!score || score.qualityScore >= qualityMinScore || renderIndex + 1 >= qualityMaxRenders) break;
    }
    const lowQuality = best.score !== undefined && best.score.qualityScore < qualityMinScore;
    return { kind: 'rendered', best, renders, lowQuality, lastRender: unrecorded };
  }

  /** How well a render kept the asked pose; undefined when it is not scored (a local preview, or no detector). */
  private async score(result: ProviderResult, pose: Pose): Promise<RenderScore | undefined> {
    if (result.isPreview || !this.detector.available) return undefined;
    const detection = await this.detector.detect(result.image);
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

  private async requestFor(slot: RunningSlot): Promise<PoseImageRequest> {
    const { context, template } = slot;
    const size = { width: context.width, height: context.height };
    const [control, avatarImage, productImage] = await Promise.all([
      renderControlImage(template.pose, size),
      this.readSourceImage(context.avatarKey),
      this.readSourceImage(context.cutoutKey ?? context.originalKey),
    ]);
    return {
      controlImage: control.png,
      prompt: slot.prompt,
      negativePrompt: context.negativePrompt ?? '',
      seed: slot.seed,
      ...size,
      identity: context.identity,
      avatarImage,
      productImage,
      productAnchor: productAnchor(template.pose, context.productPlacement ?? template.productPlacement, size),
      brandColors: context.brandColors,
    };
  }

  private async recordSuccess(
    slot: RunningSlot,
    outcome: Extract<RenderOutcome, { kind: 'rendered' }>,
    generationTime: number,
  ): Promise<void> {
    const { rendered, score } = outcome.best;
    const { result } = rendered;
    const { prepared, productPlacement } = await this.prepareKept(slot, outcome.best);
    // Files first, rows after: a failed or superseded record removes the files again.
    const output = this.newObject(slot.userId, 'output', prepared.image);
    const thumbnail = this.newObject(slot.userId, 'thumbnail', prepared.thumbnail);
    const keys = [output.row.key, thumbnail.row.key];
    let recorded: boolean;
    try {
      await Promise.all(
        [output, thumbnail].map(({ row, image }) => this.storage.put(row.key, image.data, row.contentType)),
      );
      recorded = await this.repository.finishSucceeded(slot, {
        output: output.row,
        thumbnail: thumbnail.row,
        provider: result.provider,
        modelId: result.modelId,
        providerJobId: result.providerJobId ?? null,
        seed: result.seed,
        generationTime,
        qualityScore: score?.qualityScore ?? null,
        poseError: score?.poseError ?? null,
        lowQuality: outcome.lowQuality,
        detectedKeypoints: score?.detectedKeypoints ?? null,
        identity: result.identity,
        productPlacement: productPlacement ? { ...productPlacement } : null,
        creditsCharged: this.config.generation.creditCosts[result.provider] ?? 1,
        lastRender: outcome.lastRender,
      });
    } catch (error) {
      await this.storedImages.deleteFiles(keys);
      throw error;
    }
    // Another run recorded this slot first: its files are the ones kept.
    if (!recorded) {
      await this.storedImages.deleteFiles(keys);
      return;
    }
    this.progress.slotFinished(slot.generationId);
  }

  private newObject(userId: string, variant: string, image: EncodedImage): { row: NewObjectRow; image: EncodedImage } {
    const key = makeObjectKey({
      collection: GENERATED_COLLECTION,
      ownerId: userId,
      variant,
      extension: image.extension,
    });
    return {
      row: {
        id: randomUUID(),
        key,
        contentType: image.contentType,
        size: image.data.length,
        width: image.width,
        height: image.height,
      },
      image,
    };
  }

  /**
   * The kept render with its thumbnail (re-encoded only when it carries metadata); first, the product stage: the cutout composited at the
   * point its placement names, found on the detected joints, else on the asked skeleton. The stage is
   * skipped for local previews (which draw the product themselves), when the generation turned it off, and
   * for products without a cutout.
   */
  private async prepareKept(
    slot: RunningSlot,
    kept: ScoredRender,
  ): Promise<{ prepared: PreparedImage; productPlacement?: ProductPlacement }> {
    const { context, template } = slot;
    const { result } = kept.rendered;
    const cutout =
      context.compositeProduct && !result.isPreview && context.cutoutKey
        ? await this.readSourceImage(context.cutoutKey)
        : undefined;
    const { checked } = kept;
    if (!cutout) return { prepared: await this.images.prepareRender(result.image, checked) };
    const composite = await this.productStage.composite({
      image: result.image,
      cutout,
      productType: context.productType,
      placement: context.productPlacement ?? template.productPlacement ?? 'hand-right',
      detected: kept.score?.detectedKeypoints ?? undefined,
      requested: poseOnOutput(template.pose, checked),
    });
    return {
      prepared: await this.images.prepareEdited(composite.pixels, checked.contentType),
      productPlacement: composite.placement,
    };
  }

  private async recordFailure(slot: RunningSlot, failureCode: string, failureReason: string): Promise<void> {
    this.logger.warn(`slot ${slot.id} of generation ${slot.generationId} failed: ${failureReason}`);
    if (await this.repository.finishFailed(slot.id, failureCode, failureReason)) {
      this.progress.slotFinished(slot.generationId);
    }
  }
}

/** A claimed slot with its generation's shared context and its template. */
type RunningSlot = ClaimedSlot & GenerationContext;

interface RenderScore {
  qualityScore: number;
  poseError: number | null;
  detectedKeypoints: Keypoint[] | null;
}

interface ScoredRender {
  rendered: ChainSuccess;
  checked: CheckedImage;
  score: RenderScore | undefined;
}

type RenderOutcome =
  | { kind: 'rendered'; best: ScoredRender; renders: number; lowQuality: boolean; lastRender: RenderRecord | undefined }
  | { kind: 'failed'; error: ProviderChainError }
  | { kind: 'superseded' };
