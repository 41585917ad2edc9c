import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The subset of JSON Schema the generated openapi.json uses. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  additionalProperties?: boolean | Schema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  id: string;
  method: string;
  /** As in the spec, with `{id}` placeholders. */
  path: string;
  parameters: Parameter[];
  /** The JSON body schema, resolved, when the operation takes JSON. */
  jsonBody: Schema | undefined;
  /** The multipart field schemas when the operation takes uploads. */
  multipartFields: Record<string, Schema> | undefined;
}

interface Document {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, Schema> };
}

interface RawOperation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

/** openapi.json at the repository root, wherever the tests are started from. */
const COMMITTED_SPEC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../openapi.json');

/** The committed spec at the repository root: every operation in it is covered, new ones included. */
export async function loadOperations(): Promise<{ operations: Operation[]; resolve: (schema: Schema) => Schema }> {
  const document = JSON.parse(await readFile(COMMITTED_SPEC, 'utf8')) as Document;
  const resolve = (schema: Schema): Schema => {
    if (schema.$ref) return resolve(document.components.schemas[schema.$ref.split('/').at(-1)!]);
    if (schema.allOf?.length === 1) return { ...resolve(schema.allOf[0]), ...schema, allOf: undefined };
    return schema;
  };
  const operations: Operation[] = [];
  for (const [specPath, methods] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const content = raw.requestBody?.content ?? {};
      const multipart = content['multipart/form-data']?.schema;
      operations.push({
        id: raw.operationId,
        method: method.toUpperCase(),
        path: specPath,
        parameters: raw.parameters ?? [],
        jsonBody: content['application/json'] ? resolve(content['application/json'].schema) : undefined,
        multipartFields: multipart ? (resolve(multipart).properties ?? {}) : undefined,
      });
    }
  }
  return { operations, resolve };
}

function typesOf(schema: Schema): string[] {
  if (schema.enum) return ['enum'];
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  if (schema.properties) return ['object'];
  return [];
}

/** Strings PostgreSQL cannot store: NUL and lone surrogates (JSON can carry both as escapes). */
export const UNSTORABLE_STRINGS = ['a\u0000b', '\ud800', 'x\udc00y', 'ok\ud83d'];
/** Multipart text travels as UTF-8, which cannot carry a lone surrogate (it arrives as U+FFFD): NUL only. */
export const UNSTORABLE_MULTIPART_STRINGS = ['a\u0000b', '\u0000'];
const hostileString = fc.oneof(
  fc.constantFrom(...UNSTORABLE_STRINGS, '', ' ', 'zzz-not-an-enum', '../../etc/passwd', '<script>x</script>'),
  fc.integer({ min: 1_000, max: 200_000 }).map((length) => 'x'.repeat(length)),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const hostileAny = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, 0, -1, 1.5, 1e308, -1e308, [], {}, [null], { nested: { deeper: [] } }),
  fc.integer({ min: 1_000, max: 20_000 }).map((length) => Array.from({ length }, (_, index) => index)),
);

/** A value the schema accepts, as far as the schema says (pattern-free). */
function plausible(schema: Schema, resolve: (schema: Schema) => Schema, depth: number): fc.Arbitrary<unknown> {
  const resolved = resolve(schema);
  const [type] = typesOf(resolved).filter((name) => name !== 'null');
  switch (type) {
    case 'enum':
      return fc.constantFrom(...resolved.enum!);
    case 'string':
      if (resolved.format === 'uuid') return fc.uuid();
      if (resolved.format === 'uri') return fc.constant('https://example.com/x');
      return fc.string({ minLength: resolved.minLength ?? 1, maxLength: Math.min(resolved.maxLength ?? 20, 20) });
    case 'integer':
    case 'number': {
      const min = Math.ceil(resolved.minimum ?? 0);
      return fc.integer({ min, max: Math.max(min, Math.floor(Math.min(resolved.maximum ?? min + 100, min + 100))) });
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(resolved.items ? plausible(resolved.items, resolve, depth + 1) : fc.string(), { maxLength: 3 });
    case 'object':
      return depth > 3 ? fc.constant({}) : bodyFor(resolved, resolve, depth + 1, false);
    default:
      return fc.anything({ maxDepth: 1 });
  }
}

/** A value of another JSON type than the schema asks for. */
function wrongType(schema: Schema, resolve: (schema: Schema) => Schema, required: boolean): fc.Arbitrary<unknown> {
  const types = typesOf(resolve(schema));
  const candidates: unknown[] = [
    ...(types.includes('string') || types.includes('enum') ? [] : ['text']),
    ...(types.includes('number') || types.includes('integer') ? [] : [42]),
    ...(types.includes('boolean') ? [] : [true]),
    ...(types.includes('array') ? [] : [['a']]),
    ...(types.includes('object') ? [] : [{ a: 1 }]),
    // null stands for "absent" in an optional field, so it is a wrong type only where the field is required.
    ...(types.includes('null') || !required ? [] : [null]),
  ];
  return fc.constantFrom(...candidates);
}

/**
 * Bodies built from the schema, each property plausible, hostile or absent. With `poisoned`, every body also
 * carries at least one fault validation must refuse: an unknown field, unstorable text, a required field left
 * out, or a value of the wrong type (so any 2xx to such a body is a finding).
 */
export function bodyFor(
  schema: Schema,
  resolve: (schema: Schema) => Schema,
  depth = 0,
  poisoned = true,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema.properties ?? {});
  const fields = Object.fromEntries(
    properties.map(([name, property]) => [
      name,
      fc.option(fc.oneof({ weight: 3, arbitrary: plausible(property, resolve, depth) }, hostileAny), {
        nil: undefined,
      }),
    ]),
  );
  const base = fc
    .record(fields)
    .map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)));
  if (!poisoned) return base;
  const required = schema.required ?? [];
  const poisons: fc.Arbitrary<(body: Record<string, unknown>) => void>[] = [
    fc.constant((body) => {
      body.unexpectedField = 'x';
    }),
    fc.constantFrom(...UNSTORABLE_STRINGS).map((text) => (body: Record<string, unknown>) => {
      const stringField = properties.find(([, property]) => typesOf(resolve(property)).includes('string'));
      body[stringField?.[0] ?? 'unexpectedField'] = text;
    }),
  ];
  if (required.length > 0) {
    poisons.push(
      fc.constantFrom(...required).map((name) => (body: Record<string, unknown>) => {
        delete body[name];
      }),
    );
  }
  if (properties.length > 0) {
    poisons.push(
      fc
        .constantFrom(...properties)
        .chain(([name, property]) =>
          wrongType(property, resolve, required.includes(name)).map((value) => ({ name, value })),
        )
        .map(({ name, value }) => (body: Record<string, unknown>) => {
          body[name] = value;
        }),
    );
  }
  return fc.tuple(base, fc.oneof(...poisons)).map(([body, poison]) => {
    poison(body);
    return body;
  });
}
