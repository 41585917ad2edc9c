import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  errorFromResponse,
  type LumikuError,
} from './errors.js';
import type { paths } from './schema.gen.js';

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Per-call options, accepted as the last argument of every method. */
export interface RequestOptions {
  /** Cancels the call; it then rejects with APIUserAbortError. */
  signal?: AbortSignal;
  /** Milliseconds to wait for each attempt's response headers before APIConnectionTimeoutError (retried). */
  timeout?: number;
  maxRetries?: number;
  /** Replaces the generated key of a POST; reuse your own to make a retry across processes safe. */
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export interface ClientSettings {
  baseUrl: string;
  /** The secret API key or a client token: both are bearer credentials. */
  credential: string;
  timeout: number;
  maxRetries: number;
  fetch: Fetch;
}

type QueryValue = string | number | boolean | readonly (string | number)[] | undefined | null;

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path of the spec, so a renamed route fails the SDK's typecheck. */
  path: keyof paths;
  pathParams?: Record<string, string>;
  query?: object;
  body?: unknown;
  form?: FormData;
  accept?: string;
}

const RETRYABLE_STATUSES = new Set([408, 409, 429]);
const INITIAL_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 8_000;
const MAX_RETRY_AFTER_MS = 60_000;

/** A random UUIDv4 from getRandomValues, which (unlike randomUUID) also exists on plain-http pages. */
function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function buildUrl(baseUrl: string, request: Pick<ApiRequest, 'path' | 'pathParams' | 'query'>): string {
  const path = request.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = request.pathParams?.[name];
    if (value === undefined) throw new TypeError(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, QueryValue>)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const query = search.toString();
  return `${baseUrl.replace(/\/+$/, '')}${path}${query ? `?${query}` : ''}`;
}

/** Whether a status is worth another attempt; the server can say otherwise with `x-should-retry`. */
function shouldRetry(response: Response): boolean {
  const hint = response.headers.get('x-should-retry');
  if (hint === 'true') return true;
  if (hint === 'false') return false;
  return RETRYABLE_STATUSES.has(response.status) || response.status >= 500;
}

/** `retry-after-ms`, then `Retry-After` (seconds or an HTTP date), when within a minute. */
function serverRetryDelay(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds)) return milliseconds;
  const retryAfter = headers.get('retry-after');
  if (!retryAfter) return undefined;
  const seconds = Number.parseFloat(retryAfter);
  const delay = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
  return Number.isFinite(delay) && delay >= 0 && delay <= MAX_RETRY_AFTER_MS ? delay : undefined;
}

/** Exponential backoff (0.5 s doubling, capped at 8 s) minus up to 25% jitter so clients spread out. */
function backoffDelay(retriesSoFar: number): number {
  const delay = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** retriesSoFar, MAX_RETRY_DELAY_MS);
  return delay * (1 - Math.random() * 0.25);
}

export function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError('Request was aborted.'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError('Request was aborted.'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Sends one API call with retries, timeouts, cancellation and idempotency keys, and answers the
 * successful Response (body unread) or throws a LumikuError.
 */
export async function send(settings: ClientSettings, request: ApiRequest, options: RequestOptions = {}) {
  const url = buildUrl(settings.baseUrl, request);
  const maxRetries = options.maxRetries ?? settings.maxRetries;
  const timeout = options.timeout ?? settings.timeout;
  const headers: Record<string, string> = {
    accept: request.accept ?? 'application/json',
    authorization: `Bearer ${settings.credential}`,
    ...options.headers,
  };
  // One key for every attempt, so a retry after a lost answer replays instead of creating twice.
  if (request.method === 'POST') headers['idempotency-key'] = options.idempotencyKey ?? randomId();
  let body: BodyInit | undefined = request.form;
  if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.body);
  }

  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) headers['x-lumiku-retry-count'] = String(attempt);
    let response: Response;
    const timeoutController = new AbortController();
    const timer = setTimeout(() => timeoutController.abort(), timeout);
    const signals = options.signal ? [timeoutController.signal, options.signal] : [timeoutController.signal];
    try {
      response = await settings.fetch(url, { method: request.method, headers, body, signal: anySignal(signals) });
    } catch (cause) {
      if (options.signal?.aborted) throw new APIUserAbortError('Request was aborted.', { cause });
      const error: LumikuError = timeoutController.signal.aborted
        ? new APIConnectionTimeoutError(`Request timed out after ${timeout} ms.`, { cause })
        : new APIConnectionError('Connection error.', { cause });
      if (attempt >= maxRetries) throw error;
      await sleep(backoffDelay(attempt), options.signal);
      continue;
    } finally {
      clearTimeout(timer);
    }
    if (response.ok) return response;
    if (attempt < maxRetries && shouldRetry(response)) {
      const delay = serverRetryDelay(response.headers) ?? backoffDelay(attempt);
      await response.body?.cancel();
      await sleep(delay, options.signal);
      continue;
    }
    throw await errorFromResponse(response);
  }
}

/** AbortSignal.any where available (Node 20+, current browsers), else a linked controller. */
function anySignal(signals: AbortSignal[]): AbortSignal {
  if (signals.length === 1) return signals[0]!;
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

/** Sends a call and parses its JSON answer; 204 answers undefined. */
export async function sendJson<T>(settings: ClientSettings, request: ApiRequest, options?: RequestOptions): Promise<T> {
  const response = await send(settings, request, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
