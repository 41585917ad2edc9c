import 'reflect-metadata';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { LogController } from 'fastify';
import { AppModule } from './app.module.js';
import { registerCorsPreflight } from './client-tokens/cors.js';
import { ProblemFastifyAdapter } from './common/errors/problem-fastify-adapter.js';
import { ProblemFilter } from './common/errors/problem.filter.js';
import { createValidationPipe } from './common/errors/validation.js';
import { depthLimitedJsonParser } from './common/validation/json-body.js';
import { createLogger, logRequests, PinoNestLogger, requestIdFor } from './common/logging/logger.js';
import type { AppConfig } from './config/app-config.js';
import { buildOpenApiDocument, withSampleIds } from './openapi-document.js';
import { DevSamplesService } from './dev-samples/dev-samples.service.js';

const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * Builds the application exactly as main.ts serves it; tests and the OpenAPI
 * script use the same function. The database opens on `app.init()`/`listen()`.
 */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger(config);
  const adapter = new ProblemFastifyAdapter({
    loggerInstance: logger,
    genReqId: requestIdFor,
    // Fastify's two lines per request give way to logRequests' one.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: JSON_BODY_LIMIT,
    // On close, drop idle keep-alive connections at once but let requests in flight finish (`true` cut them).
    forceCloseConnections: 'idle',
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  logRequests(fastify);
  registerCorsPreflight(fastify);

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), adapter, {
    logger: new PinoNestLogger(logger),
  });
  // Upload routes read `request.parts()` and pass their own limits per call (media/image-upload.ts).
  await app.register(multipart);
  app.useBodyParser('application/json', { bodyLimit: JSON_BODY_LIMIT }, depthLimitedJsonParser(fastify));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  const samples = app.get(DevSamplesService);
  // Built on the first request for it, not at start (about 0.1 s); the same document once built.
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'Lumiku Pose API',
    patchDocumentOnRequest: (_request, _reply, served) => withSampleIds(served, samples.ids),
  });
  return app;
}
