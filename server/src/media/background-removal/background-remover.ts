export type BackgroundRemovalMethod = 'local' | 'huggingface';

export interface Cutout {
  /** PNG with an alpha channel: the object opaque, the background transparent. */
  png: Buffer;
  width: number;
  height: number;
  method: BackgroundRemovalMethod;
}

/** Raised when a method cannot separate object from background; the product keeps its original only. */
export class BackgroundRemovalError extends Error {
  constructor(
    readonly method: BackgroundRemovalMethod,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BackgroundRemovalError';
  }
}

/** Cuts the object out of a product photo. An abstract class so Nest can inject the configured one. */
export abstract class BackgroundRemover {
  abstract readonly method: BackgroundRemovalMethod;
  /** `image` is an upright, already validated JPEG, PNG or WebP. */
  abstract removeBackground(image: Buffer, signal?: AbortSignal): Promise<Cutout>;
}
