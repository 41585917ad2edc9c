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
  private readonly slots = new ProcessingSlots(DEFAULT_IMAGE_JOBS);

  /** `preferred` is the configured method (see MediaModule); local removal is always the fallback. */
  constructor(private readonly preferred: BackgroundRemover) {}

  /** Waits for a processing slot: a cutout of a large photo holds its pixels several times over. */
  removeBackground(image: Buffer): Promise<BackgroundRemovalOutcome> {
    return this.slots.run(() => this.tryEachMethod(image));
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
    if (cutout) return dominantColor(cutout.png);
    const local = await this.slots
      .run(() => this.local.removeBackground(image))
      .catch((error: unknown) => {
        if (error instanceof BackgroundRemovalError) return undefined;
        throw error;
      });
    return dominantColor(local?.png ?? image);
  }
}
