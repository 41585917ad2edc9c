import fc from 'fast-check';
import sharp from 'sharp';
import { HTML_DOCUMENT, pngDeclaringSize, solidImage, SVG_DOCUMENT } from '../media/image-fixtures.js';
import { storedFiles } from '../media/multipart-upload.js';
import { createMerchant, type Merchant } from '../support/generation-fixtures.js';
import { laneName } from '../support/lanes.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/test-app.js';
import {
  bodyFor,
  loadOperations,
  UNSTORABLE_MULTIPART_STRINGS,
  UNSTORABLE_STRINGS,
  type Operation,
  type Schema,
} from './openapi-operations.js';

/** Bodies fast-check draws per JSON operation; HOSTILE_RUNS raises it for a longer local hunt. */
const RUNS_PER_OPERATION = Number(process.env.HOSTILE_RUNS ?? 12);
const SEED = Number(process.env.HOSTILE_SEED ?? Date.now() % 2_147_483_647);
const UUID_NOBODY_HAS = '00000000-0000-4000-8000-000000000000';

interface Outcome {
  operation: string;
  label: string;
  status: number;
  contentType: string;
  detail: string;
}

interface Hostile {
  label: string;
  path: string;
  key: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  /** A PATCH setting one field to null, which may clear it (2xx) instead of being refused. */
  nullPatch?: boolean;
}

/**
 * Hostile input over every operation of the committed openapi.json, on whichever lane runs (embedded or
 * services): wrong types, missing and extra fields, huge strings and arrays, NUL and lone surrogates, unknown
 * enum values, malformed and over-deep JSON, bodies over the limit, broken multipart and image attacks, and
 * every id parameter fed another tenant's ids. Every answer must be below 500, every 4xx problem+json, no
 * refused request may leave a row or a stored file, and no request may succeed on another tenant's resource.
 */
describe(`hostile input over openapi.json (${laneName} lane)`, () => {
  let t: TestApp;
  let attacker: Merchant;
  let victim: Merchant;
  let operations: Operation[];
  let resolve: (schema: Schema) => Schema;
  /** Another tenant's resource id per path collection (`avatars`, `webhook-endpoints`, ...). */
  const victimIds = new Map<string, string>();
  /** The attacker's own, so hostile bodies reach validation and the service rather than a 404. */
  const attackerIds = new Map<string, string>();
  const outcomes: Outcome[] = [];
  const crossTenantSuccesses: string[] = [];
  const covered = new Set<string>();

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        WEBHOOK_ALLOW_PRIVATE: 'true',
        MAX_AVATAR_SIZE_MB: '1',
        MAX_PRODUCT_SIZE_MB: '1',
        // This suite sends about a thousand requests a minute from one key: the limits are not under test here.
        RATE_LIMIT_REQUESTS: '1000000',
        // One delivery attempt: retries would add rows while footprints are compared.
        WEBHOOK_RETRY_SCHEDULE: '0',
      },
    });
    ({ operations, resolve } = await loadOperations());
    [attacker, victim] = [await createMerchant(t), await createMerchant(t)];
    await seedVictimResources();
    await seedAttackerResources();
  });

  async function seedAttackerResources(): Promise<void> {
    const as = (path: string, body: unknown) =>
      t.request('POST', path, { key: attacker.apiKey, body }).then((response) => response.body as { id: string });
    const library = await t.request('GET', '/v1/pose-templates?limit=1', { key: attacker.apiKey });
    for (const [collection, id] of Object.entries({
      avatars: attacker.avatarId,
      products: attacker.productId,
      'brand-kits': attacker.brandKitId,
      'admin/users': attacker.userId,
      projects: (await as('/v1/projects', { name: 'Attacker project' })).id,
      'webhook-endpoints': (
        await as('/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/own', events: ['generation.completed'] })
      ).id,
      'pose-templates': (
        await as('/v1/pose-templates', {
          name: 'Attacker pose',
          category: 'fashion-standing',
          canvas: { width: 512, height: 768 },
          keypoints: library.body.data[0].keypoints,
        })
      ).id,
    }))
      attackerIds.set(collection, id);
  }
  afterAll(() => t?.close());

  async function seedVictimResources(): Promise<void> {
    const as = (method: string, path: string, body?: unknown) =>
      t.request(method, path, { key: victim.apiKey, body }).then((response) => {
        if (response.status >= 300)
          throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
        return response.body;
      });
    const library = await as('GET', '/v1/pose-templates?limit=1');
    const template = await as('POST', '/v1/pose-templates', {
      name: 'Victim pose',
      category: 'fashion-standing',
      canvas: { width: 512, height: 768 },
      keypoints: library.data[0].keypoints,
    });
    const project = await as('POST', '/v1/projects', { name: 'Victim project' });
    const generation = await as('POST', '/v1/generations', {
      avatarId: victim.avatarId,
      productId: victim.productId,
      poseTemplateIds: [template.id],
    });
    const poses = await as('GET', `/v1/generations/${generation.id}/poses`);
    // Let it finish first, so its completion (metrics, a webhook) does not land while footprints are compared.
    for (
      let waited = 0;
      ['pending', 'processing'].includes((await as('GET', `/v1/generations/${generation.id}`)).status);
      waited++
    ) {
      if (waited > 600) throw new Error('the victim generation did not finish');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const endpoint = await as('POST', '/v1/webhook-endpoints', {
      url: 'http://127.0.0.1:9/hooks',
      events: ['generation.completed'],
    });
    const delivery = await as('POST', `/v1/webhook-endpoints/${endpoint.id}/test`);
    const apiKey = await as('POST', '/v1/api-keys', { name: 'victim second key' });
    for (const [collection, id] of Object.entries({
      avatars: victim.avatarId,
      products: victim.productId,
      'brand-kits': victim.brandKitId,
      'pose-templates': template.id,
      projects: project.id,
      generations: generation.id,
      'generated-poses': poses.data[0].id,
      'webhook-endpoints': endpoint.id,
      'webhook-deliveries': delivery.id,
      'api-keys': apiKey.id,
      'admin/users': victim.userId,
    }))
      victimIds.set(collection, id as string);
  }

  const collectionOf = (specPath: string) =>
    specPath
      .replace(/^\/v1\//, '')
      .split('/{')[0]
      .replace(/^\//, '');
  const adminOperation = (operation: Operation) =>
    operation.path.startsWith('/v1/admin') || operation.path === '/metrics';
  const keyFor = (operation: Operation) => (adminOperation(operation) ? ADMIN_TOKEN : attacker.apiKey);
  const withId = (operation: Operation, id: string) => operation.path.replace('{id}', id);

  async function send(operation: Operation, hostile: Hostile): Promise<Outcome> {
    covered.add(operation.id);
    const response = await fetch(t.baseUrl + hostile.path, {
      method: operation.method,
      headers: { authorization: `Bearer ${hostile.key}`, ...hostile.headers },
      body: hostile.body,
    });
    const text = await response.text();
    const outcome = {
      operation: `${operation.method} ${operation.path}`,
      label: hostile.label,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      detail: text.slice(0, 200),
    };
    outcomes.push(outcome);
    return outcome;
  }

  const json = (value: unknown) => ({
    headers: { 'content-type': 'application/json' },
    body: typeof value === 'string' ? value : JSON.stringify(value),
  });

  /** Cases any operation gets: hostile path ids and query strings. */
  function pathAndQueryCases(operation: Operation): Hostile[] {
    const key = keyFor(operation);
    const cases: Hostile[] = [];
    const target = operation.path.includes('{id}') ? withId(operation, UUID_NOBODY_HAS) : operation.path;
    if (operation.path.includes('{id}')) {
      for (const [label, id] of [
        ['a 5,000-character id', 'a'.repeat(5_000)],
        ['an id with NUL', 'abc%00def'],
        ['an id that is not a uuid', 'not-a-uuid'],
        ['an id with a lone surrogate', '%ED%A0%80'],
      ])
        cases.push({ label, key, path: withId(operation, id) });
    }
    const query = operation.parameters.filter((parameter) => parameter.in === 'query');
    cases.push({ label: 'an unknown query parameter', key, path: `${target}?unknownParameter=1` });
    for (const parameter of query) {
      for (const [label, value] of [
        ['a huge value', 'x'.repeat(10_000)],
        ['NUL', 'a%00b'],
        ['invalid UTF-8', '%ED%A0%80'],
        ['an unknown enum value', 'zzz-not-an-enum'],
        ['a negative number', '-1'],
        ['a huge number', '1e308'],
      ])
        cases.push({ label: `${parameter.name}: ${label}`, key, path: `${target}?${parameter.name}=${value}` });
      cases.push({ label: `${parameter.name} twice`, key, path: `${target}?${parameter.name}=1&${parameter.name}=2` });
    }
    return cases;
  }

  /** Cases of operations with a JSON body: malformed text, structure attacks and schema-driven bodies. */
  function jsonBodyCases(operation: Operation): Hostile[] {
    const key = keyFor(operation);
    const path = operation.path.includes('{id}') ? withId(operation, UUID_NOBODY_HAS) : operation.path;
    // Bodies must reach validation, so operations on an id use one of the caller's own where there is one.
    const ownPath = ownResourcePath(operation) ?? path;
    const fixed: [string, { headers: Record<string, string>; body: string }][] = [
      ['malformed JSON', json('{"a":')],
      ['5,000 nested arrays', json('['.repeat(5_000) + ']'.repeat(5_000))],
      ['a body over the 1 MB limit', json({ padding: 'x'.repeat(1_100_000) })],
      ['a top-level array', json([])],
      ['a top-level null', json('null')],
      ['a top-level number', json('42')],
      ['__proto__ poisoning', json('{"__proto__":{"admin":true}}')],
      ['text/plain', { headers: { 'content-type': 'text/plain' }, body: 'hello' }],
      ['an unknown content type', { headers: { 'content-type': 'application/x-unknown' }, body: 'hello' }],
    ];
    const cases: Hostile[] = fixed.map(([label, body]) => ({ label, key, path: ownPath, ...body }));
    const drawn = fc.sample(bodyFor(operation.jsonBody!, resolve), { numRuns: RUNS_PER_OPERATION, seed: SEED });
    drawn.forEach((body, index) =>
      cases.push({ label: `fast-check body #${index}`, key, path: ownPath, ...json(body) }),
    );
    // null in a PATCH either clears a nullable field or is refused; it never reaches the database as a 500.
    if (operation.method === 'PATCH') {
      for (const name of Object.keys(operation.jsonBody!.properties ?? {}))
        cases.push({ label: `${name}: null`, key, path: ownPath, ...json({ [name]: null }), nullPatch: true });
    }
    for (const text of UNSTORABLE_STRINGS)
      cases.push({ label: `a field name with ${JSON.stringify(text)}`, key, path: ownPath, ...json({ [text]: 'x' }) });
    return cases;
  }

  /** The caller's own resource in the operation's collection, so a refusal is the body's fault, not a 404. */
  function ownResourcePath(operation: Operation): string | undefined {
    if (!operation.path.includes('{id}')) return undefined;
    const id = attackerIds.get(collectionOf(operation.path));
    return id ? withId(operation, id) : undefined;
  }

  /** Cases of upload operations: broken multipart, image attacks, unstorable text fields. */
  async function multipartCases(operation: Operation): Promise<Hostile[]> {
    const key = keyFor(operation);
    const path = ownResourcePath(operation) ?? operation.path;
    const fields = operation.multipartFields!;
    const fileField =
      Object.entries(fields).find(([, schema]) => resolve(schema).format === 'binary' || resolve(schema).items)?.[0] ??
      'file';
    const png = await solidImage('png');
    const jpeg = await solidImage('jpeg', 400, 300);
    const textFields = (override: Record<string, string> = {}) => {
      const values: Record<string, string> = {};
      for (const [name, schema] of Object.entries(fields)) {
        const resolved = resolve(schema);
        if (name === fileField) continue;
        if (name === 'brandKitId') values[name] = attacker.brandKitId;
        else if (resolved.enum) values[name] = String(resolved.enum[0]);
        else if (resolved.format !== 'uuid' && !resolved.items) values[name] = 'Name';
      }
      return { ...values, ...override };
    };
    const form = (file: Buffer, type: string, override: Record<string, string> = {}) => {
      const data = new FormData();
      for (const [name, value] of Object.entries(textFields(override))) data.append(name, value);
      data.append(fileField, new Blob([new Uint8Array(file)], { type }), 'upload.png');
      return data;
    };
    const boundary = 'hostileBoundary';
    const raw = (label: string, contentType: string, body: string): Hostile => ({
      label,
      key,
      path,
      headers: { 'content-type': contentType },
      body,
    });
    const polyglot = Buffer.concat([
      png.subarray(0, 33),
      HTML_DOCUMENT,
      Buffer.from('PK\u0005\u0006' + '\0'.repeat(18)),
    ]);
    const cases: Hostile[] = [
      raw('multipart without a boundary', 'multipart/form-data', 'garbage'),
      raw('multipart with garbage', `multipart/form-data; boundary=${boundary}`, 'garbage'),
      raw(
        'a cut-off multipart part',
        `multipart/form-data; boundary=${boundary}`,
        `--${boundary}\r\nContent-Disposition: form-data; name="${fileField}"; filename="a.png"\r\n\r\nabc`,
      ),
      raw(
        'a malformed part header',
        `multipart/form-data; boundary=${boundary}`,
        `--${boundary}\r\nContent-Disposition\r\n\r\nabc\r\n--${boundary}--\r\n`,
      ),
      raw('JSON instead of multipart', 'application/json', '{}'),
      { label: 'a decompression bomb', key, path, body: form(pngDeclaringSize(50_000, 50_000), 'image/png') },
      { label: 'HTML sent as image/png', key, path, body: form(HTML_DOCUMENT, 'image/png') },
      { label: 'SVG sent as image/png', key, path, body: form(SVG_DOCUMENT, 'image/png') },
      { label: 'a truncated PNG', key, path, body: form(png.subarray(0, Math.floor(png.length / 2)), 'image/png') },
      { label: 'a truncated JPEG', key, path, body: form(jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'image/jpeg') },
      { label: 'a PNG/HTML/ZIP polyglot', key, path, body: form(polyglot, 'image/png') },
      { label: 'a file over the limit', key, path, body: form(Buffer.alloc(21 * 1024 * 1024, 1), 'image/png') },
    ];
    for (const [name] of Object.entries(textFields())) {
      for (const text of UNSTORABLE_MULTIPART_STRINGS)
        cases.push({
          label: `${name}: ${JSON.stringify(text)}`,
          key,
          path,
          body: form(png, 'image/png', { [name]: text }),
        });
      cases.push({
        label: `${name}: 5,000 characters`,
        key,
        path,
        body: form(png, 'image/png', { [name]: 'x'.repeat(5_000) }),
      });
    }
    cases.push({ label: 'an unknown text field', key, path, body: form(png, 'image/png', { unexpectedField: 'x' }) });
    return cases;
  }

  /** Every table's row count and every stored file: what a refused request must leave as it found. */
  async function footprint(): Promise<Record<string, number>> {
    const tables = await t.database.client.$queryRawUnsafe<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`,
    );
    const counts: Record<string, number> = {};
    for (const { table_name: table } of tables) {
      const [row] = await t.database.client.$queryRawUnsafe<{ count: bigint }[]>(
        `SELECT count(*) AS count FROM "${table}"`,
      );
      counts[table] = Number(row.count);
    }
    counts['stored files'] = (await storedFiles(t)).length;
    return counts;
  }

  it('answers every hostile request below 500 with problem+json, leaving nothing behind', async () => {
    const before = await footprint();
    const refusedButSucceeded: string[] = [];
    for (const operation of operations) {
      const cases = [
        ...pathAndQueryCases(operation),
        ...(operation.jsonBody ? jsonBodyCases(operation) : []),
        ...(operation.multipartFields ? await multipartCases(operation) : []),
      ];
      for (const hostile of cases) {
        const outcome = await send(operation, hostile);
        // Bodies and uploads were built to be refused; a success means validation let a fault through.
        if (hostile.body !== undefined && !hostile.nullPatch && outcome.status < 300 && operation.method !== 'GET')
          refusedButSucceeded.push(`${outcome.operation} (${outcome.label}): ${outcome.status} ${outcome.detail}`);
      }
    }
    const after = await footprint();

    const serverErrors = outcomes.filter((outcome) => outcome.status >= 500);
    const nonProblem = outcomes.filter(
      (outcome) => outcome.status >= 400 && !outcome.contentType.startsWith('application/problem+json'),
    );
    const leftBehind = Object.keys(after).filter((table) => after[table] !== before[table]);
    console.log(
      [
        `hostile input (${laneName} lane, seed ${SEED}, ${RUNS_PER_OPERATION} fast-check bodies per JSON operation;`,
        `  reproduce: HOSTILE_SEED=${SEED} npx jest test/hostile/hostile-input.e2e-spec.ts)`,
        `  operations covered: ${covered.size} / ${operations.length}`,
        `  requests: ${outcomes.length}`,
        `  5xx: ${serverErrors.length}`,
        `  non-problem 4xx: ${nonProblem.length}`,
        `  refused bodies that succeeded: ${refusedButSucceeded.length}`,
        `  tables or files changed: ${leftBehind.length === 0 ? 'none' : leftBehind.map((table) => `${table} ${before[table]} -> ${after[table]}`).join(', ')}`,
      ].join('\n'),
    );
    const show = (list: Outcome[]) =>
      list
        .slice(0, 15)
        .map(
          (outcome) =>
            `${outcome.operation} (${outcome.label}): ${outcome.status} ${outcome.contentType} ${outcome.detail}`,
        );
    expect(covered.size).toBe(operations.length);
    expect(show(serverErrors)).toEqual([]);
    expect(show(nonProblem)).toEqual([]);
    expect(refusedButSucceeded.slice(0, 15)).toEqual([]);
    expect(leftBehind).toEqual([]);
  });

  it("succeeds on no other tenant's id, for every operation with an id", async () => {
    const withIds = operations.filter((operation) => operation.path.includes('{id}'));
    const missing = withIds.filter((operation) => !victimIds.has(collectionOf(operation.path)));
    for (const operation of withIds) {
      const victimId = victimIds.get(collectionOf(operation.path));
      if (!victimId) continue;
      const path = withId(operation, victimId);
      const body = operation.jsonBody ? json({}) : {};
      for (const hostile of [
        { label: "another tenant's id", key: attacker.apiKey, path, ...body },
        {
          label: "another tenant's id, unknown query",
          key: attacker.apiKey,
          path: `${path}?unknownParameter=1`,
          ...body,
        },
      ]) {
        const outcome = await send(operation, hostile);
        if (outcome.status < 400)
          crossTenantSuccesses.push(`${outcome.operation}: ${outcome.status} ${outcome.detail}`);
      }
    }
    // The victim still sees every resource: nothing was deleted or changed across tenants.
    for (const [collection, id] of victimIds) {
      if (collection === 'admin/users' || collection === 'api-keys' || collection === 'webhook-deliveries') continue;
      expect([collection, (await t.request('GET', `/v1/${collection}/${id}`, { key: victim.apiKey })).status]).toEqual([
        collection,
        200,
      ]);
    }
    console.log(
      [
        `cross-tenant matrix (${laneName} lane): ${withIds.length - missing.length} / ${withIds.length} operations with an id`,
        `  cross-tenant successes: ${crossTenantSuccesses.length}`,
      ].join('\n'),
    );
    expect(missing.map((operation) => `${operation.method} ${operation.path}: seed a victim resource`)).toEqual([]);
    expect(crossTenantSuccesses).toEqual([]);
  });

  it('names the field holding NUL or a lone surrogate, in JSON and in multipart', async () => {
    const jsonAnswer = await t.request('POST', '/v1/brand-kits', {
      key: attacker.apiKey,
      body: { brandName: 'a\u0000b' },
    });
    expect(jsonAnswer.status).toBe(400);
    expect(jsonAnswer.body.errors).toEqual([expect.objectContaining({ field: 'brandName' })]);
    const nested = await t.request('POST', '/v1/brand-kits', {
      key: attacker.apiKey,
      body: { brandName: 'Kit', fonts: [{ family: '\ud800', weights: [400] }] },
    });
    expect(nested.body.errors).toEqual([expect.objectContaining({ field: 'fonts[0].family' })]);

    const data = new FormData();
    data.append('brandKitId', attacker.brandKitId);
    data.append('name', 'x\u0000y');
    data.append(
      'file',
      new Blob([
        new Uint8Array(
          await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } })
            .png()
            .toBuffer(),
        ),
      ]),
      'a.png',
    );
    const multipart = await fetch(`${t.baseUrl}/v1/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${attacker.apiKey}` },
      body: data,
    });
    expect(multipart.status).toBe(400);
    expect(((await multipart.json()) as { errors: { field: string }[] }).errors).toEqual([
      expect.objectContaining({ field: 'name' }),
    ]);
  });

  it('answers framework errors as problem+json: 414, 413, 415, 404, 405 and a malformed URL', async () => {
    const cases: [string, string, RequestInit, number][] = [
      ['414', `/v1/avatars/${'a'.repeat(5_000)}`, {}, 414],
      ['413', '/v1/brand-kits', { method: 'POST', ...json({ padding: 'x'.repeat(1_100_000) }) }, 413],
      [
        '415',
        '/v1/brand-kits',
        { method: 'POST', headers: { 'content-type': 'application/x-unknown' }, body: 'x' },
        415,
      ],
      ['404 unknown route', '/v1/no-such-route', {}, 404],
      ['405 a method the path does not have', '/v1/avatars', { method: 'PUT' }, 405],
      ['405 on a path with a parameter', '/v1/avatars/00000000-0000-7000-8000-000000000000', { method: 'POST' }, 405],
    ];
    for (const [label, path, init, status] of cases) {
      const response = await fetch(t.baseUrl + path, {
        ...init,
        headers: { authorization: `Bearer ${attacker.apiKey}`, ...(init.headers as Record<string, string>) },
      });
      expect([label, response.status, response.headers.get('content-type')]).toEqual([
        label,
        status,
        expect.stringContaining('application/problem+json'),
      ]);
      if (status === 405) expect(response.headers.get('allow')).toMatch(/GET/);
    }
  });
});
