import { Inject, Injectable, Logger } from '@nestjs/common';
import { buffer } from 'node:stream/consumers';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ProviderName } from '../config/config.schema.js';
import { ObjectStorage } from '../infra/storage/object-storage.js';
import type { TransactionClient } from '../infra/database/database.service.js';
import { ImagePipeline } from '../media/image-pipeline.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { StoredImagesService } from '../media/stored-images.service.js';
import { renderControlImage } from '../pose-templates/rendering/control-image.js';
import { poseOf } from '../pose-templates/pose-templates.service.js';
import type { Keypoint } from '../pose-templates/skeleton/keypoints.js';
import { GenerationEvents } from './generation-events.js';
import { GenerationsRepository, type GenerationCounters, type SlotWithContext } from './generations.repository.js';
import { GenerationCompletion } from './generation-completion.service.js';
import { LruCache } from '../pose-templates/lru-cache.js';
import { productAnchor } from './product-anchor.js';
import { ProviderChain, ProviderChainError } from './providers/provider-chain.js';
import type { ChainSuccess } from './providers/provider-chain.js';

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(slotId: string): Promise<void> {
    const slot = await this.repository.findSlot(slotId);
    if (!slot || slot.generation.status === 'canceled') return;
    if (!(await this.repository.startSlot(slot.id, slot.generationId))) return;

    let rendered: ChainSuccess;
    const startedAt = performance.now();
    try {
      rendered = await this.chainFor(slot.generation.provider).generate(await this.requestFor(slot));
    } catch (error) {
      if (!(error instanceof ProviderChainError)) throw error;
      const last = error.attempts.at(-1)?.error;
      await this.recordFailure(slot, last?.code ?? 'provider_failed', error.message);
      return;
    }
    await this.recordSuccess(slot, rendered, Math.round(performance.now() - startedAt));
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

  private async requestFor(slot: SlotWithContext) {
    const { generation, poseTemplate } = slot;
    const pose = poseOf({ ...poseTemplate, keypoints: poseTemplate.keypoints as unknown as Keypoint[] });
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
      avatarImage,
      productImage,
      productAnchor: productAnchor(pose, product.placement ?? poseTemplate.productPlacement, size),
      brandColors: generation.brandKit.colors,
    };
  }

  private async recordSuccess(slot: SlotWithContext, rendered: ChainSuccess, generationTime: number): Promise<void> {
    const { result } = rendered;
    // Provider output is untrusted bytes like any upload: sniffed, bounded, re-encoded, thumbnailed.
    const prepared = await this.images.prepare(result.image);
    const credits = this.config.generation.creditCosts[result.provider] ?? 1;
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
            },
            tx,
          );
          // Another run recorded this slot first: roll back, so the files are removed and nothing counts twice.
          if (!recorded) throw new SlotAlreadyFinished();
          await this.repository.chargeCredits(slot.userId, credits, tx);
          const counted = await this.repository.countOutcome(slot.generationId, 'succeeded', 1, credits, tx);
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
    });
    await this.completion.afterSlot(slot.generationId, counters);
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
