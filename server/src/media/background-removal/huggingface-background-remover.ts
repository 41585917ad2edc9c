import { InferenceClient } from '@huggingface/inference';
import sharp from 'sharp';
import { DECODE_LIMITS } from '../image-pipeline.js';
import { applyAlphaMask, type AlphaMask } from './alpha-mask.js';
import { BackgroundRemovalError, BackgroundRemover, type Cutout } from './background-remover.js';

/** A background-removal model that answers image-segmentation with one foreground mask. */
export const DEFAULT_SEGMENTATION_MODEL = 'briaai/RMBG-1.4';
const REQUEST_TIMEOUT_MS = 30_000;
/** Labels segmentation models give the parts that are not the product. */
const BACKGROUND_LABEL = /^(background|bg|wall|floor|ceiling|sky|table)$/i;

export interface HuggingFaceSegmentationSettings {
  token: string;
  model: string;
  /** A dedicated Inference Endpoint (or a test server); the shared hf-inference provider otherwise. */
  endpointUrl: string | undefined;
}

/**
 * Background removal by an image-segmentation model on Hugging Face. Each returned mask is a greyscale PNG;
 * the union of every mask not labelled as background becomes the cutout's alpha.
 */
export class HuggingFaceBackgroundRemover extends BackgroundRemover {
  readonly method = 'huggingface' as const;
  private readonly client: InferenceClient;

  constructor(private readonly settings: HuggingFaceSegmentationSettings) {
    super();
    this.client = new InferenceClient(settings.token);
  }

  async removeBackground(image: Buffer, signal?: AbortSignal): Promise<Cutout> {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    try {
      const segments = await this.client.imageSegmentation(
        {
          model: this.settings.model,
          ...(this.settings.endpointUrl ? { endpointUrl: this.settings.endpointUrl } : { provider: 'hf-inference' }),
          inputs: new Blob([new Uint8Array(image)]),
        },
        // A 503 "model loading" is not retried here: the caller falls back to local removal instead of waiting.
        { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, retry_on_error: false },
      );
      const foreground = segments.filter((segment) => !BACKGROUND_LABEL.test(segment.label.trim()));
      if (foreground.length === 0)
        throw new BackgroundRemovalError(this.method, 'The segmentation model found no object.');
      return await applyAlphaMask(image, await unionOfMasks(foreground.map((segment) => segment.mask)), this.method);
    } catch (error) {
      if (error instanceof BackgroundRemovalError) throw error;
      throw new BackgroundRemovalError(this.method, `The segmentation model failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

async function unionOfMasks(base64Masks: string[]): Promise<AlphaMask> {
  const decoded = await Promise.all(
    base64Masks.map((mask) =>
      sharp(Buffer.from(mask, 'base64'), { ...DECODE_LIMITS, failOn: 'warning' })
        .extractChannel(0)
        .raw()
        .toBuffer({ resolveWithObject: true }),
    ),
  );
  const { width, height } = decoded[0].info;
  const union = new Uint8Array(width * height);
  for (const { data, info } of decoded) {
    if (info.width !== width || info.height !== height) {
      throw new BackgroundRemovalError('huggingface', 'The segmentation model returned masks of different sizes.');
    }
    for (let index = 0; index < union.length; index++) union[index] = Math.max(union[index], data[index]);
  }
  return { data: union, width, height };
}
