import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { FieldErrorDto, ProblemDto } from './common/errors/problem.dto.js';
import type { SampleIds } from './dev-samples/dev-samples.service.js';

export const API_VERSION = '0.1.0';

type JsonObject = Record<string, unknown>;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Builds the spec served at /openapi.json and committed as openapi.json: sorted, so it is stable across runs. */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Lumiku Pose API')
    .setDescription(
      'Pose generation for e-commerce: brand kits, avatars, products, pose templates and batch generations. ' +
        'Authenticate with `Authorization: Bearer <API key>`. Errors are RFC 9457 problem+json.',
    )
    .setVersion(API_VERSION)
    .setOpenAPIVersion('3.1.0')
    // Relative, so Swagger UI and generated clients call the server that served the document.
    .addServer('/', 'The server that serves this document')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'API key',
      description: 'An API key (`lk_test_...`) or a client token.',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
    extraModels: [ProblemDto, FieldErrorDto],
  });
  // Not open source: an SPDX reference for a licence of one's own.
  // (`identifier` is OpenAPI 3.1; the package's types stop at 3.0.)
  (document.info as unknown as JsonObject).license = { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' };
  for (const operation of operationsOf(document)) {
    shortenSummary(operation);
    markPublicOperation(operation);
    prepareParameters(operation);
  }
  leaveOptionalFormFieldsEmpty(document);
  return sortKeys(collapseSingleAllOf(document)) as OpenAPIObject;
}

function operationsOf(document: OpenAPIObject): JsonObject[] {
  return Object.values(document.paths).flatMap((pathItem) =>
    HTTP_METHODS.map((method) => (pathItem as JsonObject)[method]).filter(
      (operation): operation is JsonObject => typeof operation === 'object' && operation !== null,
    ),
  );
}

/**
 * The Swagger plugin turns a method's whole doc comment into its summary. Lists and Swagger UI show the
 * summary on one line, so it keeps the first sentence and the full text moves to the description.
 */
function shortenSummary(operation: JsonObject): void {
  if (typeof operation.summary !== 'string') return;
  const text = operation.summary.replace(/\s*\n\s*/g, ' ').trim();
  const firstSentence = /^.*?[.:](?=\s|$)/.exec(text)?.[0] ?? text;
  operation.summary = firstSentence.replace(/:$/, '.');
  if (firstSentence.length < text.length && !operation.description) operation.description = text;
}

/** Operations without a bearer requirement (health checks) say so explicitly. */
function markPublicOperation(operation: JsonObject): void {
  if (!operation.security) operation.security = [];
}

/** A placeholder of the ids' shape, so "Try it out" sends a well-formed id (and shows the 404 it gets). */
const EXAMPLE_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

/**
 * A query parameter that has a default can be left out, whatever the DTO's TypeScript type says; a path
 * id gets an example.
 */
function prepareParameters(operation: JsonObject): void {
  for (const parameter of (operation.parameters ?? []) as JsonObject[]) {
    const schema = parameter.schema as JsonObject | undefined;
    if (parameter.in === 'query' && schema?.default !== undefined) parameter.required = false;
    if (parameter.in === 'path' && parameter.name === 'id' && parameter.example === undefined) {
      parameter.example = EXAMPLE_ID;
    }
  }
}

/**
 * Swagger UI prefills each form field from its schema, which puts the literal `string` into optional
 * multipart text fields. An empty example leaves them blank, and Swagger UI leaves blank fields out. The
 * server reads an empty form field as absent (media/image-upload.ts), so the form schema admits it.
 */
function leaveOptionalFormFieldsEmpty(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, JsonObject>;
  for (const operation of operationsOf(document)) {
    const content = (operation.requestBody as JsonObject | undefined)?.content as JsonObject | undefined;
    const form = content?.['multipart/form-data'] as JsonObject | undefined;
    const ref = (form?.schema as JsonObject | undefined)?.$ref;
    if (typeof ref !== 'string') continue;
    const schema = schemas[ref.replace('#/components/schemas/', '')];
    const required = new Set((schema.required ?? []) as string[]);
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, JsonObject>)) {
      const isText = property.type === 'string' || property.$ref !== undefined;
      if (required.has(name) || !isText || property.format === 'binary') continue;
      property.example = '';
      delete property.minLength;
      if (typeof property.pattern === 'string') property.pattern = `^(?:${property.pattern.replace(/^\^|\$$/g, '')})?$`;
    }
  }
}

/** `allOf: [{ $ref }]` is how the plugin attaches a description to a reference; 3.1 allows the bare `$ref`. */
function collapseSingleAllOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(collapseSingleAllOf);
  if (value === null || typeof value !== 'object') return value;
  const { allOf, ...rest } = value as JsonObject;
  const collapsed = Object.fromEntries(Object.entries(rest).map(([key, item]) => [key, collapseSingleAllOf(item)]));
  if (Array.isArray(allOf) && allOf.length === 1)
    return { ...(collapseSingleAllOf(allOf[0]) as JsonObject), ...collapsed };
  return allOf === undefined ? collapsed : { ...collapsed, allOf: collapseSingleAllOf(allOf) };
}

/** Recursively sorts object keys so the committed spec is stable across runs. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as JsonObject)[key])]),
    );
  }
  return value;
}

/** Operations whose prefilled request body names an avatar and a product. */
const SAMPLE_BODY_OPERATIONS = ['/v1/generations', '/v1/generations/quote'];

/**
 * The document as Swagger UI is served it on a server with sample assets: the create and quote examples name
 * the development user's sample avatar and product, so "Try it out" runs as prefilled. The committed
 * openapi.json keeps the placeholders.
 */
export function withSampleIds(document: OpenAPIObject, ids: SampleIds | undefined): OpenAPIObject {
  if (!ids) return document;
  const patched = structuredClone(document);
  for (const path of SAMPLE_BODY_OPERATIONS) {
    const body = patched.paths[path]?.post?.requestBody;
    const examples = body && 'content' in body ? body.content['application/json']?.examples : undefined;
    for (const example of Object.values(examples ?? {})) {
      if ('value' in example && example.value && typeof example.value === 'object') {
        Object.assign(example.value, { avatarId: ids.avatarId, productId: ids.productId });
      }
    }
  }
  return patched;
}
