import { Injectable, Logger } from '@nestjs/common';
import { dominantColor } from '../dominant-color.js';
import { DEFAULT_IMAGE_JOBS, ProcessingSlots } from '../processing-slots.js';
import {
  BackgroundRemovalError,
  BackgroundRemover,
  type BackgroundRemovalMethod,
  type Cutout,
} from './background-remover.js';
import { LocalBackgroundRemover } from './local-background-remover.js';

export type BackgroundRemovalOutcome =
  | { status: 'succeeded'; method: BackgroundRemovalMethod; cutout: Cutout }
  | { status: 'failed'; method: BackgroundRemovalMethod; reason: string };

/**
 * Removes product backgrounds with the configured method; when that is a model and it fails or cannot be
 * reached, the local method is tried rather than failing the upload.
 */
@Injectable()
export class BackgroundRemovalService {
  private readonly logger = new Logger(BackgroundRemovalService.name);
  private readonly local = new LocalBackgroundRemover();

  /**
   * `preferred` is the configured method (see MediaModule); local removal is always the fallback. `slots`
   * are the process's image-job slots, shared with ImagePipeline.
   */
  constructor(
    private readonly preferred: BackgroundRemover,
    private readonly slots: ProcessingSlots = new ProcessingSlots(DEFAULT_IMAGE_JOBS),
  ) {}

  /** Waits for a processing slot, keeping the place in line of the upload `image` came from. */
  async removeBackground(image: Buffer): Promise<BackgroundRemovalOutcome> {
    const outcome = await this.slots.run(() => this.tryEachMethod(image), image);
    if (outcome.status === 'succeeded') this.slots.follows(outcome.cutout.png, image);
    return outcome;
  }

  private async tryEachMethod(image: Buffer): Promise<BackgroundRemovalOutcome> {
    const removers = this.preferred.method === 'local' ? [this.local] : [this.preferred, this.local];
    let failure: BackgroundRemovalError | undefined;
    for (const remover of removers) {
      try {
        return { status: 'succeeded', method: remover.method, cutout: await remover.removeBackground(image) };
      } catch (error) {
        if (!(error instanceof BackgroundRemovalError)) throw error;
        this.logger.warn(`Background removal (${remover.method}) failed: ${error.message}`);
        failure = error;
      }
    }
    return { status: 'failed', method: failure!.method, reason: failure!.message };
  }

  /** The object's colour: from the cutout when there is one, else from a local cutout made just for this. */
  async objectColor(image: Buffer, cutout: Cutout | undefined): Promise<string> {
    if (cutout) return this.slots.run(() => dominantColor(cutout.png), cutout.png);
    return this.slots.run(async () => {
      const local = await this.local.removeBackground(image).catch((error: unknown) => {
        if (error instanceof BackgroundRemovalError) return undefined;
        throw error;
      });
      return dominantColor(local?.png ?? image);
    }, image);
  }
}
