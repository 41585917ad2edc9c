import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createApp } from '../../src/bootstrap.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { parseDatabaseUrl } from '../../src/infra/database/database-connection.js';
import { DatabaseService } from '../../src/infra/database/database.service.js';
import { servicesLane } from './lanes.js';

export const ADMIN_TOKEN = 'admin_test_token_0123456789';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  key?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  baseUrl: string;
  database: DatabaseService;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Creates a user through the admin route and returns its API key. */
  createUser(email?: string): Promise<{ id: string; apiKey: string }>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Reuse a DATA_DIR (embedded) or schema (services) from an earlier app. */
  storage?: TestStorage;
}

/** Where one test app keeps its data: a temp dir, plus a schema on the services lane. */
export interface TestStorage {
  dataDir: string;
  databaseUrl: string | undefined;
  dispose(): Promise<void>;
}

export async function createTestStorage(): Promise<TestStorage> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lumiku-test-'));
  if (!servicesLane.databaseUrl) {
    return { dataDir, databaseUrl: undefined, dispose: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const url = new URL(servicesLane.databaseUrl);
  url.searchParams.set('schema', schema);
  return {
    dataDir,
    databaseUrl: url.toString(),
    async dispose() {
      const client = new pg.Client({ connectionString: parseDatabaseUrl(servicesLane.databaseUrl!).connectionString });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Boots the real app through bootstrap.ts on a random 127.0.0.1 port. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const storage = options.storage ?? (await createTestStorage());
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: storage.dataDir,
    DATABASE_URL: storage.databaseUrl,
    REDIS_URL: servicesLane.redisUrl,
    // Test apps run in parallel on one Redis: each gets its own queues and channels.
    REDIS_KEY_PREFIX: `test-${path.basename(storage.dataDir)}`,
    ADMIN_TOKEN,
    ...options.env,
  });
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('the test app has no TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  const request = async <T>(method: string, urlPath: string, requestOptions: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...requestOptions.headers };
    if (requestOptions.key) headers.authorization = `Bearer ${requestOptions.key}`;
    if (requestOptions.body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(baseUrl + urlPath, {
      method,
      headers,
      body: requestOptions.body === undefined ? undefined : JSON.stringify(requestOptions.body),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    const body = (type.includes('json') && text ? JSON.parse(text) : text) as T;
    return { status: response.status, headers: response.headers, body };
  };

  return {
    app,
    config,
    baseUrl,
    database: app.get(DatabaseService),
    request,
    async createUser(email = `user-${randomBytes(4).toString('hex')}@example.com`) {
      const response = await request<{ user: { id: string }; apiKey: string }>('POST', '/v1/admin/users', {
        key: ADMIN_TOKEN,
        body: { email, name: 'Test user' },
      });
      if (response.status !== 201) throw new Error(`createUser: ${response.status} ${JSON.stringify(response.body)}`);
      return { id: response.body.user.id, apiKey: response.body.apiKey };
    },
    async close() {
      await app.close();
      if (!options.storage) await storage.dispose();
    },
  };
}
