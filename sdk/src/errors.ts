import type { Problem } from './types.js';

/** The base of every error the SDK throws. */
export class LumikuError extends Error {
  override name = 'LumikuError';
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** The RFC 9457 problem+json body, when the server sent one. */
  readonly problem: Problem | undefined;
  /** The server's `x-request-id`: quote it to support. */
  readonly requestId: string | undefined;
  readonly headers: Headers | undefined;

  constructor(
    message: string,
    details: { status?: number; problem?: Problem; requestId?: string; headers?: Headers; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.status = details.status;
    this.problem = details.problem;
    this.requestId = details.requestId;
    this.headers = details.headers;
  }
}

/** The server answered with an error status. */
export class APIError extends LumikuError {
  override name = 'APIError';
  /** The stable problem `code`, e.g. `not_found`; branch on this, never on the message. */
  get code(): string | undefined {
    return this.problem?.code;
  }
}
export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
export class ConflictError extends APIError {
  override name = 'ConflictError';
}
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
}
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
}
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

/** No answer: DNS, refused or reset connection, CORS refusal in a browser. */
export class APIConnectionError extends LumikuError {
  override name = 'APIConnectionError';
}
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
}
/** The caller's AbortSignal fired. Never retried. */
export class APIUserAbortError extends LumikuError {
  override name = 'APIUserAbortError';
}

const ERROR_BY_STATUS: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** Reads an error response into the matching error class. */
export async function errorFromResponse(response: Response): Promise<APIError> {
  const text = await response.text().catch(() => '');
  let problem: Problem | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'status' in parsed) problem = parsed as Problem;
  } catch {
    // Not JSON (a proxy's HTML page, say): the status still classifies the error.
  }
  const requestId = response.headers.get('x-request-id') ?? problem?.requestId;
  const ErrorClass = ERROR_BY_STATUS[response.status] ?? (response.status >= 500 ? InternalServerError : APIError);
  const message = `${response.status} ${problem?.detail ?? problem?.title ?? (text.slice(0, 200) || response.statusText)}`;
  return new ErrorClass(message, { status: response.status, problem, requestId, headers: response.headers });
}
