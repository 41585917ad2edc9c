import { Prisma } from '../../generated/prisma/client.js';

/**
 * SQLSTATEs of a lost or refused connection: admin/crash shutdown (57P01-57P03, e.g. pg_terminate_backend
 * or a failover) and the connection exception class (08xxx). The statement may not have run, or may have.
 */
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
/** Prisma's own codes for a database it cannot reach or that closed the connection. */
const CONNECTION_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017']);
/** pg-pool and Node socket failures that reach Prisma as plain messages. */
const CONNECTION_MESSAGES = /Connection terminated|ECONNREFUSED|ECONNRESET|Client has encountered a connection error/;

interface DriverAdapterMeta {
  driverAdapterError?: { cause?: { originalCode?: string; code?: string } };
}

/** True when `error` says the database connection went away, not that the query was wrong. */
export function isConnectionLoss(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (CONNECTION_PRISMA_CODES.has(error.code)) return true;
    const cause = (error.meta as DriverAdapterMeta | undefined)?.driverAdapterError?.cause;
    const sqlState = cause?.originalCode ?? cause?.code;
    if (sqlState && CONNECTION_SQLSTATES.has(sqlState)) return true;
  }
  if (
    error instanceof Prisma.PrismaClientInitializationError ||
    error instanceof Prisma.PrismaClientUnknownRequestError ||
    error instanceof Prisma.PrismaClientRustPanicError
  ) {
    return CONNECTION_MESSAGES.test(error.message);
  }
  return error instanceof Error && CONNECTION_MESSAGES.test(error.message);
}

/** Operations that change nothing, so running them twice is safe. */
const READ_OPERATIONS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
]);

export function isReadOperation(operation: string): boolean {
  return READ_OPERATIONS.has(operation);
}
