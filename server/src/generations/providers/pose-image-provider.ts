import type { ProviderName } from '../../config/config.schema.js';

/** A point on the output canvas, in pixels from the top-left corner. */
export interface PixelPoint {
  x: number;
  y: number;
}

/**
 * Whether the person in the picture is the merchant's avatar: what a generation asks for, and what a route
 * reports having done (a route that cannot take a reference image renders a stranger, so it reports `none`).
 */
export type Identity = 'avatar' | 'none';

/** Everything a renderer needs for one pose slot. */
export interface PoseImageRequest {
  /** PNG of the OpenPose skeleton, already rendered at width x height (black canvas, coloured limbs). */
  controlImage: Buffer;
  prompt: string;
  negativePrompt: string;
  seed: number;
  width: number;
  height: number;
  /** `avatar`: routes that can take a reference image get `avatarImage` so the person looks like it. */
  identity: Identity;
  /** The avatar (model photo). */
  avatarImage?: Buffer;
  /** The product cut out of its background: a PNG with alpha. */
  productImage?: Buffer;
  /** Where the product goes, e.g. the wrist keypoint of the pose. */
  productAnchor?: PixelPoint;
  /** Brand colours as #RRGGBB, the first being the main one. */
  brandColors?: string[];
}

export type ImageContentType = 'image/png' | 'image/jpeg' | 'image/webp';

export interface ProviderResult {
  image: Buffer;
  contentType: ImageContentType;
  provider: ProviderName;
  /** The model (or model version) that rendered the image, recorded so a batch can be re-run alike. */
  modelId: string;
  /** The provider's id for the job or request, for support tickets and reconciliation. */
  providerJobId?: string;
  /** The seed the provider reports having used, else the one we asked for. */
  seed: number;
  /** Whether the avatar actually went into the render. */
  identity: Identity;
  /** True when the image is a local composite rather than a model render. */
  isPreview?: boolean;
}

export interface GenerateOptions {
  /** Aborts the call; adapters stop waiting and, where the provider allows it, cancel the remote job. */
  signal: AbortSignal;
}

/** One way of turning a control image and a prompt into a picture. */
export interface PoseImageProvider {
  readonly name: ProviderName;
  generate(request: PoseImageRequest, options: GenerateOptions): Promise<ProviderResult>;
}

/** Diffusion settings the hosted adapters send; each adapter's settings may override them. */
export interface SamplingSettings {
  numInferenceSteps: number;
  guidanceScale: number;
}

export const DEFAULT_SAMPLING: SamplingSettings = { numInferenceSteps: 30, guidanceScale: 7.5 };
