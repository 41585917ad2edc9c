import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { openDatabase, type DatabaseConnection } from './database-connection.js';
import { PREPARED_DATABASE_DIR } from './prepared-database.js';

const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 15_000 };

/** Transaction client: inside a transaction, query only through it (the outer client deadlocks PGlite). */
export type TransactionClient = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Owns the Prisma client. Opens PGlite or PostgreSQL when the app initialises
 * (not at construction, so the OpenAPI script needs no database) and applies
 * pending migrations before anything else queries.
 */
@Injectable()
export class DatabaseService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  private connection: DatabaseConnection | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): Promise<void> {
    return this.open();
  }

  /**
   * Opens and migrates the database. A fresh embedded DATA_DIR starts from the prepared database in
   * `preparedDir` (the build's, unless told otherwise; none for the build step that makes it).
   */
  async open(
    { preparedDir }: { preparedDir: string | undefined } = { preparedDir: PREPARED_DATABASE_DIR },
  ): Promise<void> {
    const connection = await openDatabase({
      databaseUrl: this.config.databaseUrl,
      dataDir: this.config.dataDir,
      preparedDir,
    });
    this.connection = connection;
    const applied = await this.migrate();
    this.logger.log(
      `${connection.kind === 'pglite' ? `PGlite at ${this.config.dataDir}` : 'PostgreSQL'} ready` +
        (connection.restored ? ' (a fresh directory, restored from the prepared database)' : '') +
        (applied.length ? `; applied migrations ${applied.join(', ')}` : ''),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection?.close();
    this.connection = undefined;
  }

  get client(): PrismaClient {
    if (!this.connection) throw new Error('The database is not open yet');
    return this.connection.client;
  }

  /**
   * Runs `work` in one interactive transaction; `work` must use only the client it is given. PGlite has one
   * connection, so transactions queue for it: Prisma's 2 s default wait for a start failed busy batches.
   */
  transaction<T>(work: (tx: TransactionClient) => Promise<T>): Promise<T> {
    return this.client.$transaction(work, TRANSACTION_LIMITS);
  }

  /** Applies committed migrations not yet in `_prisma_migrations`; returns their names. */
  migrate(): Promise<string[]> {
    if (!this.connection) throw new Error('The database is not open yet');
    return this.connection.migrate();
  }

  async ping(): Promise<void> {
    await this.client.$queryRaw`SELECT 1`;
  }
}
