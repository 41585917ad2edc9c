export { Lumiku, Webhooks, type ClientOptions } from './client.js';
export type { Fetch, RequestOptions } from './core.js';
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  LumikuError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from './errors.js';
export { Page, PagePromise } from './pagination.js';
export type { AvatarCreateParams } from './resources/avatars.js';
export type { GenerationEvent, GenerationProgress, WaitOptions } from './resources/generations.js';
export type { PoseDetectionCreateParams } from './resources/pose-detections.js';
export type { PoseTemplateFromPhotoParams, PoseTemplateImportParams } from './resources/pose-templates.js';
export type { ProductCreateParams } from './resources/products.js';
export type { Uploadable } from './uploads.js';
export {
  unwrapWebhook,
  verifyWebhook,
  WebhookVerificationError,
  type VerifyOptions,
  type WebhookHeaders,
} from './webhooks.js';
export type * from './types.js';
export type { components, operations, paths } from './schema.gen.js';
