import { setTimeout as sleep } from 'node:timers/promises';
import sharp, { type FormatEnum } from 'sharp';
import type { z } from 'zod';
import type { ProviderName } from '../../config/config.schema.js';
import type { ImageContentType } from './pose-image-provider.js';
import { isAbortError, PermanentProviderError, RetryableProviderError, type ProviderError } from './provider-errors.js';

/**
 * HTTP plumbing shared by the hosted adapters: every failure leaves here as a RetryableProviderError or a
 * PermanentProviderError, so the failover chain can decide without knowing any provider's wire format.
 */

const MESSAGE_LIMIT = 300;
const MAX_REDIRECTS = 3;
/** Status polls that may fail in a row before the job is given up (a resubmission would pay twice). */
const MAX_CONSECUTIVE_POLL_FAILURES = 3;
const CANCEL_TIMEOUT_MS = 5_000;

/** Reads Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // An HTTP date names its day and month; Date.parse alone would read "-5" as a year.
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

interface ErrorBody {
  message: string;
  /** Hugging Face's "model is loading" answers carry how many seconds the load should still take. */
  estimatedTimeSeconds: number | undefined;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MESSAGE_LIMIT ? `${oneLine.slice(0, MESSAGE_LIMIT)}…` : oneLine;
}

/** The human part of an error body: `error`, `detail` (FastAPI validation lists included), `message`, … */
function messageFromJson(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const messages = value.map(messageFromJson).filter((message) => message !== undefined);
    return messages.length > 0 ? messages.join('; ') : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key of ['error', 'detail', 'message', 'msg', 'title']) {
    const field = (value as Record<string, unknown>)[key];
    if (typeof field === 'string') return field;
    if (field !== undefined && field !== null) return messageFromJson(field) ?? JSON.stringify(field);
  }
  return undefined;
}

async function readErrorBody(response: Response): Promise<ErrorBody> {
  const text = await response.text().catch(() => '');
  try {
    const parsed: unknown = JSON.parse(text);
    const estimated = (parsed as { estimated_time?: unknown } | null)?.estimated_time;
    return {
      message: shorten(messageFromJson(parsed) ?? text),
      estimatedTimeSeconds: typeof estimated === 'number' && estimated >= 0 ? estimated : undefined,
    };
  } catch {
    // An HTML error page says nothing useful and would flood the logs.
    const message = text.trimStart().startsWith('<') ? 'an HTML page' : shorten(text) || 'an empty body';
    return { message, estimatedTimeSeconds: undefined };
  }
}

/** Turns a non-2xx answer into the error that says whether asking again can help. */
export async function errorForResponse(provider: ProviderName, response: Response): Promise<ProviderError> {
  const { status } = response;
  const body = await readErrorBody(response);
  const details = { status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) };
  const message = `${provider} answered ${status}: ${body.message}`;
  if (status === 503 && body.estimatedTimeSeconds !== undefined) {
    const retryAfterMs = details.retryAfterMs ?? Math.round(body.estimatedTimeSeconds * 1000);
    return new RetryableProviderError(provider, 'model-loading', message, { ...details, retryAfterMs });
  }
  if (status === 429) return new RetryableProviderError(provider, 'rate-limited', message, details);
  if (status === 408) return new RetryableProviderError(provider, 'timeout', message, details);
  if (status >= 500) return new RetryableProviderError(provider, 'unavailable', message, details);
  if (status === 401 || status === 403) return new PermanentProviderError(provider, 'unauthorized', message, details);
  return new PermanentProviderError(provider, 'rejected-request', message, details);
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/**
 * fetch that throws typed errors: connection failures are retryable, non-2xx answers are classified by status.
 * Aborts pass through untouched so the caller can tell its own cancel from a failure. With `redirect: 'manual'`
 * a 3xx is returned to the caller, which checks the new location itself.
 */
export async function providerFetch(
  provider: ProviderName,
  input: Parameters<typeof fetch>[0],
  init: RequestInit,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(input, init);
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new RetryableProviderError(provider, 'network', `Could not reach ${provider}: ${describeCause(error)}`, {
      cause: error,
    });
  }
  if (response.ok || (init.redirect === 'manual' && isRedirect(response.status))) return response;
  throw await errorForResponse(provider, response);
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  return [(error as Error).message, detail].filter(Boolean).join(': ');
}

/** Reads a whole body; a connection dropped mid-body is as retryable as one that never opened. */
async function readBody<T>(provider: ProviderName, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new RetryableProviderError(provider, 'network', `${provider} broke off its answer: ${describeCause(error)}`, {
      cause: error,
    });
  }
}

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  body?: unknown;
  signal: AbortSignal;
}

/** Sends a JSON request and parses the answer with `schema`; an answer of the wrong shape is permanent. */
export async function requestJson<Schema extends z.ZodType>(
  provider: ProviderName,
  url: string,
  request: JsonRequest,
  schema: Schema,
): Promise<z.output<Schema>> {
  const response = await providerFetch(provider, url, {
    method: request.method,
    headers: {
      accept: 'application/json',
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...request.headers,
    },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal: request.signal,
  });
  const text = await readBody(provider, () => response.text());
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PermanentProviderError(provider, 'invalid-response', `${provider} answered with invalid JSON`, {
      status: response.status,
      cause: error,
    });
  }
  const checked = schema.safeParse(parsed);
  if (!checked.success) {
    throw new PermanentProviderError(provider, 'invalid-response', `${provider} answered an unexpected shape`, {
      status: response.status,
      cause: checked.error,
    });
  }
  return checked.data;
}

const CONTENT_TYPES: Partial<Record<keyof FormatEnum, ImageContentType>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/** Checks that the bytes are an image we can store, and names their type from the bytes, not from a header. */
export async function decodeImage(
  provider: ProviderName,
  bytes: Buffer,
): Promise<{ image: Buffer; contentType: ImageContentType }> {
  const format = await sharp(bytes)
    .metadata()
    .then((metadata) => metadata.format)
    .catch(() => undefined);
  const contentType = format === undefined ? undefined : CONTENT_TYPES[format];
  if (!contentType) {
    throw new PermanentProviderError(
      provider,
      'invalid-response',
      `${provider} returned ${bytes.length} bytes that are not a PNG, JPEG or WebP image`,
    );
  }
  return { image: bytes, contentType };
}

export function pngDataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** Where a provider's output files may come from: its own API origin, or hosts on its CDN's domains. */
export interface DownloadPolicy {
  apiOrigin: string;
  cdnDomains: readonly string[];
}

function isTrustedLocation(location: URL, policy: DownloadPolicy): boolean {
  if (location.origin === policy.apiOrigin) return true;
  return (
    location.protocol === 'https:' &&
    policy.cdnDomains.some((domain) => location.hostname === domain || location.hostname.endsWith(`.${domain}`))
  );
}

/**
 * Fetches a provider's output image. Only trusted hosts are contacted, redirects included, so a tampered
 * answer cannot make the worker fetch internal addresses. Inline `data:` URIs are decoded instead.
 */
export async function downloadImage(
  provider: ProviderName,
  address: string,
  policy: DownloadPolicy,
  signal: AbortSignal,
): Promise<{ image: Buffer; contentType: ImageContentType }> {
  const inline = /^data:image\/[\w.+-]+;base64,(.*)$/s.exec(address);
  if (inline) return decodeImage(provider, Buffer.from(inline[1], 'base64'));
  let location: URL;
  try {
    location = new URL(address);
  } catch (error) {
    throw new PermanentProviderError(provider, 'invalid-response', `${provider} returned an output that is not a URL`, {
      cause: error,
    });
  }
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (!isTrustedLocation(location, policy)) {
      throw new PermanentProviderError(
        provider,
        'invalid-response',
        `${provider} output is on an untrusted host: ${location.host}`,
      );
    }
    const response = await providerFetch(provider, location, { redirect: 'manual', signal });
    const redirectTo = response.headers.get('location');
    if (isRedirect(response.status) && redirectTo) {
      location = new URL(redirectTo, location);
      continue;
    }
    const bytes = Buffer.from(await readBody(provider, () => response.arrayBuffer()));
    return decodeImage(provider, bytes);
  }
  throw new PermanentProviderError(
    provider,
    'invalid-response',
    `${provider} output redirected more than ${MAX_REDIRECTS} times`,
  );
}

/**
 * Polls a submitted job until `check` returns its outcome. A few transient status failures in a row are
 * waited out (honouring Retry-After) rather than failing the attempt, which would submit and pay again.
 */
export async function pollJob<T>(
  intervalMs: number,
  signal: AbortSignal,
  check: () => Promise<T | undefined>,
): Promise<T> {
  let consecutiveFailures = 0;
  for (;;) {
    let waitMs = intervalMs;
    try {
      const outcome = await check();
      if (outcome !== undefined) return outcome;
      consecutiveFailures = 0;
    } catch (error) {
      if (!(error instanceof RetryableProviderError) || ++consecutiveFailures >= MAX_CONSECUTIVE_POLL_FAILURES) {
        throw error;
      }
      waitMs = Math.max(intervalMs, error.retryAfterMs ?? 0);
    }
    await sleep(waitMs, undefined, { signal });
  }
}

/**
 * Runs the wait for a submitted job; if we stop waiting for any reason (abort, timeout, bad answer), asks
 * the provider to cancel so we do not pay for a result nobody collects. Best effort: its failure is ignored.
 */
export async function cancelJobOnFailure<T>(
  wait: () => Promise<T>,
  cancel: (signal: AbortSignal) => Promise<unknown>,
): Promise<T> {
  try {
    return await wait();
  } catch (error) {
    cancel(AbortSignal.timeout(CANCEL_TIMEOUT_MS)).catch(() => undefined);
    throw error;
  }
}

/** A configured base URL without trailing slashes, so paths can be appended with one. */
export function baseUrlWithoutSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
