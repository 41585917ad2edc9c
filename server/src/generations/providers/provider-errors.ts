import type { ProviderName } from '../../config/config.schema.js';

/** Failures that may succeed if the same request is sent again later. */
export type RetryableFailureCode = 'rate-limited' | 'model-loading' | 'unavailable' | 'timeout' | 'network';
/** Failures that will fail again with the same request, so only another provider can help. */
export type PermanentFailureCode =
  'unauthorized' | 'rejected-request' | 'invalid-response' | 'job-failed' | 'unexpected';
export type ProviderFailureCode = RetryableFailureCode | PermanentFailureCode;

export interface ProviderErrorDetails {
  /** The HTTP status the provider answered with, when there was one. */
  status?: number;
  /** How long the provider asked us to wait (Retry-After, or Hugging Face's estimated_time). */
  retryAfterMs?: number;
  cause?: unknown;
}

/** A provider call that failed; `retryable` tells whether sending the same request again can succeed. */
export abstract class ProviderError extends Error {
  abstract readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  protected constructor(
    readonly provider: ProviderName,
    readonly code: ProviderFailureCode,
    message: string,
    details: ProviderErrorDetails,
  ) {
    super(message, { cause: details.cause });
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export class RetryableProviderError extends ProviderError {
  readonly retryable = true;
  declare readonly code: RetryableFailureCode;

  constructor(provider: ProviderName, code: RetryableFailureCode, message: string, details: ProviderErrorDetails = {}) {
    super(provider, code, message, details);
    this.name = 'RetryableProviderError';
  }
}

export class PermanentProviderError extends ProviderError {
  readonly retryable = false;
  declare readonly code: PermanentFailureCode;

  constructor(provider: ProviderName, code: PermanentFailureCode, message: string, details: ProviderErrorDetails = {}) {
    super(provider, code, message, details);
    this.name = 'PermanentProviderError';
  }
}

/** The error's name; by name rather than instanceof, as fetch's errors may come from another realm. */
export function errorName(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** True for the DOMExceptions fetch and timers throw when their AbortSignal fires. */
export function isAbortError(error: unknown): boolean {
  return errorName(error) === 'AbortError' || errorName(error) === 'TimeoutError';
}
