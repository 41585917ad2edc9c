import 'reflect-metadata';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { registerCorsPreflight } from './client-tokens/cors.js';
import { FieldErrorDto, ProblemDto } from './common/errors/problem.dto.js';
import { ProblemFilter } from './common/errors/problem.filter.js';
import { createValidationPipe } from './common/errors/validation.js';
import { createLogger, PinoNestLogger, requestIdFor } from './common/logging/logger.js';
import type { AppConfig } from './config/app-config.js';

export const API_VERSION = '0.1.0';
const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * Builds the application exactly as main.ts serves it; tests and the OpenAPI
 * script use the same function. The database opens on `app.init()`/`listen()`.
 */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger(config);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    genReqId: requestIdFor,
    bodyLimit: JSON_BODY_LIMIT,
    // Close keep-alive connections on shutdown instead of waiting for their timeout.
    forceCloseConnections: true,
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerCorsPreflight(fastify);

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), adapter, {
    logger: new PinoNestLogger(logger),
  });
  // Upload routes read `request.parts()` and pass their own limits per call (media/image-upload.ts).
  await app.register(multipart);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'Lumiku Pose API',
  });
  return app;
}

/** Recursively sorts object keys so the committed spec is stable across runs. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Lumiku Pose API')
    .setDescription(
      'Pose generation for e-commerce: brand kits, avatars, products, pose templates and batch generations. ' +
        'Authenticate with `Authorization: Bearer <API key>`. Errors are RFC 9457 problem+json.',
    )
    .setVersion(API_VERSION)
    .setOpenAPIVersion('3.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (`lk_test_...`).' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
    extraModels: [ProblemDto, FieldErrorDto],
  });
  return sortKeys(document) as OpenAPIObject;
}
