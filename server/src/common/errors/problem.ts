import { HttpException } from '@nestjs/common';

/** Stable, documented error codes (docs/errors.md). Clients branch on these, never on `detail`. */
export enum ProblemCode {
  ValidationFailed = 'validation_failed',
  InvalidRequest = 'invalid_request',
  InvalidCursor = 'invalid_cursor',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  AdminDisabled = 'admin_disabled',
  NotFound = 'not_found',
  RouteNotFound = 'route_not_found',
  MethodNotAllowed = 'method_not_allowed',
  Conflict = 'conflict',
  IdempotencyInProgress = 'idempotency_in_progress',
  IdempotencyKeyReused = 'idempotency_key_reused',
  ResourceInUse = 'resource_in_use',
  PayloadTooLarge = 'payload_too_large',
  UriTooLong = 'uri_too_long',
  UnsupportedMediaType = 'unsupported_media_type',
  UnprocessableEntity = 'unprocessable_entity',
  TooManyPoses = 'too_many_poses',
  UnknownCategory = 'unknown_category',
  NoPersonFound = 'no_person_found',
  InsufficientCredits = 'insufficient_credits',
  RateLimited = 'rate_limited',
  TooManyRunningGenerations = 'too_many_running_generations',
  InternalError = 'internal_error',
  ServiceUnavailable = 'service_unavailable',
  PoseDetectorDisabled = 'pose_detector_disabled',
  PoseDetectorBusy = 'pose_detector_busy',
}

export interface FieldError {
  field: string;
  message: string;
}

/** The RFC 9457 body every 4xx/5xx answer carries. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ProblemCode;
  requestId: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemTypeUri(code: ProblemCode): string {
  return `urn:lumiku:problem:${code}`;
}

/** Thrown by services for any expected failure; the filter renders it as problem+json. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail, status);
  }

  static notFound(resource: string): ProblemException {
    return new ProblemException(404, ProblemCode.NotFound, `${resource} not found.`);
  }
}
