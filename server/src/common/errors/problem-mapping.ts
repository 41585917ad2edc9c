import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { Prisma } from '../../generated/prisma/client.js';
import { isConnectionLoss } from '../../infra/database/connection-errors.js';
import { isRedisUnavailable } from '../../infra/redis/redis.service.js';
import { ProblemCode, ProblemException, problemTypeUri, type FieldError, type ProblemDocument } from './problem.js';

const CODE_BY_STATUS: Record<number, ProblemCode> = {
  400: ProblemCode.InvalidRequest,
  401: ProblemCode.Unauthorized,
  402: ProblemCode.InsufficientCredits,
  403: ProblemCode.Forbidden,
  404: ProblemCode.RouteNotFound,
  405: ProblemCode.MethodNotAllowed,
  409: ProblemCode.Conflict,
  413: ProblemCode.PayloadTooLarge,
  414: ProblemCode.UriTooLong,
  415: ProblemCode.UnsupportedMediaType,
  422: ProblemCode.UnprocessableEntity,
  429: ProblemCode.RateLimited,
  503: ProblemCode.ServiceUnavailable,
};

interface MappedError {
  status: number;
  code: ProblemCode;
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
}

/** Fastify's own errors (body parsing, limits) carry a statusCode and an FST_ code. */
interface FastifyLikeError {
  statusCode: number;
  code?: string;
  message: string;
}

function isFastifyError(error: unknown): error is FastifyLikeError {
  return (
    error instanceof Error &&
    typeof (error as Partial<FastifyLikeError>).statusCode === 'number' &&
    typeof (error as Partial<FastifyLikeError>).code === 'string'
  );
}

function mapPrismaError(error: Prisma.PrismaClientKnownRequestError): MappedError | undefined {
  switch (error.code) {
    case 'P2002':
      return { status: 409, code: ProblemCode.Conflict, detail: 'A resource with these unique values already exists.' };
    case 'P2025':
      return { status: 404, code: ProblemCode.NotFound, detail: 'The resource was not found.' };
    case 'P2003':
      return {
        status: 409,
        code: ProblemCode.ResourceInUse,
        detail: 'The resource is referenced by other resources and cannot be changed this way.',
      };
    default:
      return undefined;
  }
}

function mapError(error: unknown): MappedError | undefined {
  if (error instanceof ProblemException) {
    return {
      status: error.getStatus(),
      code: error.code,
      detail: error.detail,
      errors: error.errors,
      headers: error.headers,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return { status, code: CODE_BY_STATUS[status] ?? ProblemCode.InvalidRequest, detail: error.message };
  }
  if (isConnectionLoss(error)) {
    return {
      status: 503,
      code: ProblemCode.ServiceUnavailable,
      detail: 'The database connection was lost; retry shortly.',
      headers: { 'retry-after': '1' },
    };
  }
  if (isRedisUnavailable(error)) {
    return {
      status: 503,
      code: ProblemCode.ServiceUnavailable,
      detail: 'Redis is unreachable; retry shortly.',
      headers: { 'retry-after': '1' },
    };
  }
  if (error instanceof Prisma.PrismaClientKnownRequestError) return mapPrismaError(error);
  if (isFastifyError(error) && error.statusCode >= 400 && error.statusCode < 500) {
    return {
      status: error.statusCode,
      code: CODE_BY_STATUS[error.statusCode] ?? ProblemCode.InvalidRequest,
      detail: error.message,
    };
  }
  return undefined;
}

export interface RenderedProblem {
  body: ProblemDocument;
  headers: Record<string, string>;
  /** True when the error was unexpected and must be logged with its stack. */
  unexpected: boolean;
}

/**
 * Turns any thrown value into a problem document. Unknown errors become a
 * generic 500: their message, stack and any SQL stay in the log.
 */
export function renderProblem(error: unknown, request: { url: string; id: string }): RenderedProblem {
  const mapped = mapError(error);
  const status = mapped?.status ?? 500;
  const code = mapped?.code ?? ProblemCode.InternalError;
  const body: ProblemDocument = {
    type: problemTypeUri(code),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: mapped?.detail ?? 'An unexpected error occurred. Quote the request id when reporting it.',
    instance: request.url.split('?')[0] ?? request.url,
    code,
    requestId: request.id,
    ...(mapped?.errors ? { errors: mapped.errors } : {}),
  };
  return { body, headers: mapped?.headers ?? {}, unexpected: mapped === undefined || status >= 500 };
}
