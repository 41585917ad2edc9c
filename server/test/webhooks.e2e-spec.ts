import { Webhook } from 'standardwebhooks';
import { createMerchant, readEventStream, type Merchant } from './support/generation-fixtures.js';
import { createTestStorage, startTestApp, type TestApp } from './support/test-app.js';
import { WebhookEvents } from '../src/webhooks/webhook-events.service.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhooks/webhook-receiver.js';

/** Polls until `check` returns a value that is not undefined. */
async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const WEBHOOK_ENV = {
  WEBHOOK_ALLOW_PRIVATE: 'true',
  // Whole seconds apart, so each attempt carries a distinct webhook-timestamp.
  WEBHOOK_RETRY_SCHEDULE: '0,1s,1s,1s',
  WEBHOOK_TIMEOUT_MS: '2000',
};

describe('webhooks (e2e)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let merchant: Merchant;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await startTestApp({ env: WEBHOOK_ENV });
    merchant = await createMerchant(t);
  });

  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const call = (method: string, path: string, body?: unknown, key = merchant.apiKey) =>
    t.request(method, path, { key, body });
  const createEndpoint = (path: string, events = ['generation.completed', 'generation.canceled']) =>
    call('POST', '/v1/webhook-endpoints', { url: receiver.url(path), events, description: path });
  const deliveriesOf = async (endpointId: string) =>
    (await call('GET', `/v1/webhook-endpoints/${endpointId}/deliveries`)).body.data as any[];

  it('registers, lists, updates and deletes endpoints; the secret is shown on creation and rotation only', async () => {
    const first = await createEndpoint('/crud-a');
    const second = await createEndpoint('/crud-b');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ url: receiver.url('/crud-a'), enabled: true, description: '/crud-a' });
    expect(first.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(second.body.secret).not.toBe(first.body.secret);

    const listed = await call('GET', '/v1/webhook-endpoints');
    expect(listed.body.data.map((endpoint: any) => endpoint.id)).toEqual(
      expect.arrayContaining([first.body.id, second.body.id]),
    );
    expect(listed.body.data.every((endpoint: any) => endpoint.secret === undefined)).toBe(true);
    expect((await call('GET', `/v1/webhook-endpoints/${first.body.id}`)).body.secret).toBeUndefined();

    const patched = await call('PATCH', `/v1/webhook-endpoints/${first.body.id}`, {
      events: ['generation.canceled'],
      enabled: false,
    });
    expect(patched.body).toMatchObject({
      events: ['generation.canceled'],
      enabled: false,
      disabledReason: 'disabled by its owner',
    });
    const reenabled = await call('PATCH', `/v1/webhook-endpoints/${first.body.id}`, { enabled: true });
    expect(reenabled.body).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });

    const rotated = await call('POST', `/v1/webhook-endpoints/${first.body.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(first.body.secret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);

    expect((await call('DELETE', `/v1/webhook-endpoints/${first.body.id}`)).status).toBe(204);
    expect((await call('GET', `/v1/webhook-endpoints/${first.body.id}`)).status).toBe(404);

    const badEvent = await call('POST', '/v1/webhook-endpoints', { url: receiver.url('/x'), events: ['pose.created'] });
    expect(badEvent.status).toBe(400);
    const metadata = await call('POST', '/v1/webhook-endpoints', {
      url: 'http://169.254.169.254/',
      events: ['generation.completed'],
    });
    expect(metadata.status).toBe(422);
    expect(metadata.body.errors[0]).toMatchObject({ field: 'url' });
    const generation = await call('POST', '/v1/generations', {
      avatarId: merchant.avatarId,
      productId: merchant.productId,
      distribution: { 'fashion-standing': 1 },
      webhookUrl: 'http://[::ffff:169.254.169.254]/hook',
    });
    expect(generation.status).toBe(422);
    expect(generation.body.errors[0]).toMatchObject({ field: 'webhookUrl' });
  });

  it('delivers generation.completed to endpoints and to the generation webhookUrl, verifiable with standardwebhooks', async () => {
    const endpoint = await createEndpoint('/completed');
    const created = await call('POST', '/v1/generations', {
      avatarId: merchant.avatarId,
      productId: merchant.productId,
      distribution: { 'fashion-standing': 3 },
      width: 256,
      height: 320,
      webhookUrl: receiver.url('/own-url'),
    });
    expect(created.status).toBe(202);
    await readEventStream(`${t.baseUrl}/v1/generations/${created.body.id}/events`, merchant.apiKey);

    const [delivered] = await receiver.waitFor('/completed', 1);
    const payload = new Webhook(endpoint.body.secret).verify(delivered.rawBody, delivered.headers) as any;
    expect(payload).toMatchObject({
      type: 'generation.completed',
      data: {
        generation: {
          id: created.body.id,
          status: 'completed',
          totalPoses: 3,
          successfulPoses: 3,
          failedPoses: 0,
          links: { poses: `/v1/generations/${created.body.id}/poses` },
        },
      },
    });
    expect(delivered.headers['webhook-id']).toBe(payload.id);
    expect(delivered.headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(delivered.rawBody.length).toBeLessThan(20_000);

    // The generation's own URL: delivered through an endpoint made for it, signed with that endpoint's secret.
    const [own] = await receiver.waitFor('/own-url', 1);
    expect(own.headers['webhook-id']).toBe(payload.id);
    const endpoints = (await call('GET', '/v1/webhook-endpoints?limit=100')).body.data as any[];
    const madeForIt = endpoints.find((candidate) => candidate.url === receiver.url('/own-url'));
    expect(madeForIt).toMatchObject({ events: [], enabled: true });
    const secret = (await call('POST', `/v1/webhook-endpoints/${madeForIt.id}/rotate-secret`)).body.secret;
    const deliveries = await deliveriesOf(madeForIt.id);
    expect(deliveries).toEqual([expect.objectContaining({ eventType: 'generation.completed', status: 'succeeded' })]);
    // After the rotation the old secret still signs next to the new one; the replay verifies with either.
    const replayed = await call('POST', `/v1/webhook-deliveries/${deliveries[0].id}/replay`);
    expect(replayed.status).toBe(202);
    const [, again] = await receiver.waitFor('/own-url', 2);
    expect(again.headers['webhook-id']).toBe(payload.id);
    expect(again.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(secret).verify(again.rawBody, again.headers)).toMatchObject({ id: payload.id });

    const stored = await t.database.client.webhookEvent.findUniqueOrThrow({ where: { id: payload.id } });
    expect(stored).toMatchObject({ userId: merchant.userId, type: 'generation.completed' });
  });

  it('retries 500 three times with one webhook-id and fresh timestamps, then succeeds', async () => {
    receiver.respond('/flaky', (response, index) => response.writeHead(index < 3 ? 500 : 200).end());
    const endpoint = await createEndpoint('/flaky');
    const test = await call('POST', `/v1/webhook-endpoints/${endpoint.body.id}/test`);
    expect(test.status).toBe(202);
    expect(test.body).toMatchObject({ eventType: 'webhook.test', status: 'pending' });

    const attempts = await receiver.waitFor('/flaky', 4);
    expect(new Set(attempts.map((attempt) => attempt.headers['webhook-id'])).size).toBe(1);
    expect(new Set(attempts.map((attempt) => attempt.headers['webhook-timestamp'])).size).toBe(4);
    for (const attempt of attempts) {
      expect(new Webhook(endpoint.body.secret).verify(attempt.rawBody, attempt.headers)).toMatchObject({
        type: 'webhook.test',
      });
    }
    const delivery = await eventually(async () => {
      const [row] = await deliveriesOf(endpoint.body.id);
      return row.status === 'succeeded' ? row : undefined;
    });
    expect(delivery).toMatchObject({ attempts: 4, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect((await call('GET', `/v1/webhook-endpoints/${endpoint.body.id}`)).body.failingSince).toBeNull();
  });

  it('marks a delivery failed after the last attempt, and recover sends it once more', async () => {
    receiver.respond('/down', (response, index) => response.writeHead(index < 4 ? 502 : 200).end());
    const endpoint = await createEndpoint('/down');
    await call('POST', `/v1/webhook-endpoints/${endpoint.body.id}/test`);
    const failed = await eventually(async () => {
      const [row] = await deliveriesOf(endpoint.body.id);
      return row.status === 'failed' ? row : undefined;
    });
    expect(failed).toMatchObject({ attempts: 4, lastStatusCode: 502, lastError: 'HTTP 502', nextAttemptAt: null });
    expect((await call('GET', `/v1/webhook-endpoints/${endpoint.body.id}`)).body.failingSince).not.toBeNull();

    const since = new Date(Date.now() - 60_000).toISOString();
    const recovered = await call('POST', `/v1/webhook-endpoints/${endpoint.body.id}/recover`, { since });
    expect(recovered).toMatchObject({ status: 202, body: { recovered: 1 } });
    const attempts = await receiver.waitFor('/down', 5);
    expect(attempts[4].headers['webhook-id']).toBe(attempts[0].headers['webhook-id']);
    const [row] = await eventually(async () => {
      const rows = await deliveriesOf(endpoint.body.id);
      return rows[0].status === 'succeeded' ? rows : undefined;
    });
    expect(row).toMatchObject({ attempts: 5, lastStatusCode: 200 });
    const nothingLeft = await call('POST', `/v1/webhook-endpoints/${endpoint.body.id}/recover`, { since });
    expect(nothingLeft.body.recovered).toBe(0);
  });

  it('disables an endpoint that answers 410 and does not follow redirects', async () => {
    receiver.respond('/gone', (response) => response.writeHead(410).end());
    receiver.respond('/moved', (response, index) =>
      index === 0
        ? response.writeHead(302, { location: 'http://169.254.169.254/' }).end()
        : response.writeHead(200).end(),
    );
    const gone = await createEndpoint('/gone');
    await call('POST', `/v1/webhook-endpoints/${gone.body.id}/test`);
    const disabled = await eventually(async () => {
      const body = (await call('GET', `/v1/webhook-endpoints/${gone.body.id}`)).body;
      return body.enabled ? undefined : body;
    });
    expect(disabled.disabledReason).toMatch(/410/);
    expect(await deliveriesOf(gone.body.id)).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 1, lastStatusCode: 410 }),
    ]);
    expect(receiver.received('/gone')).toHaveLength(1);
    expect((await call('POST', `/v1/webhook-endpoints/${gone.body.id}/test`)).status).toBe(409);

    const moved = await createEndpoint('/moved');
    await call('POST', `/v1/webhook-endpoints/${moved.body.id}/test`);
    const [redirected] = await eventually(async () => {
      const rows = await deliveriesOf(moved.body.id);
      return rows[0].attempts >= 1 ? rows : undefined;
    });
    expect(redirected).toMatchObject({ lastStatusCode: 302, lastError: 'redirect 302 (redirects are not followed)' });
    await receiver.waitFor('/moved', 2);
  });

  it('honours Retry-After on 429', async () => {
    receiver.respond('/throttled', (response, index) =>
      index === 0 ? response.writeHead(429, { 'retry-after': '3' }).end() : response.writeHead(200).end(),
    );
    const endpoint = await createEndpoint('/throttled');
    await call('POST', `/v1/webhook-endpoints/${endpoint.body.id}/test`);
    const [first, second] = await receiver.waitFor('/throttled', 2);
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(2_900);
  });

  it("answers 404 for another user's endpoints and deliveries", async () => {
    const endpoint = await createEndpoint('/private');
    const test = await call('POST', `/v1/webhook-endpoints/${endpoint.body.id}/test`);
    await receiver.waitFor('/private', 1);
    const stranger = await t.createUser();
    const id = endpoint.body.id;
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/v1/webhook-endpoints/${id}`],
      ['PATCH', `/v1/webhook-endpoints/${id}`, { enabled: false }],
      ['DELETE', `/v1/webhook-endpoints/${id}`],
      ['POST', `/v1/webhook-endpoints/${id}/rotate-secret`],
      ['POST', `/v1/webhook-endpoints/${id}/test`],
      ['GET', `/v1/webhook-endpoints/${id}/deliveries`],
      ['POST', `/v1/webhook-endpoints/${id}/recover`, { since: '2020-01-01T00:00:00Z' }],
      ['GET', `/v1/webhook-deliveries/${test.body.id}`],
      ['POST', `/v1/webhook-deliveries/${test.body.id}/replay`],
    ];
    for (const [method, path, body] of attempts) {
      const response = await call(method, path, body, stranger.apiKey);
      expect([method, path, response.status]).toEqual([method, path, 404]);
    }
    expect((await call('GET', '/v1/webhook-endpoints', undefined, stranger.apiKey)).body.data).toEqual([]);
    expect((await call('GET', `/v1/webhook-endpoints/${id}`)).body.enabled).toBe(true);
  });
});

describe('webhook endpoints failing for long (e2e)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // WEBHOOK_DISABLE_AFTER stands in for the default five days.
    t = await startTestApp({ env: { ...WEBHOOK_ENV, WEBHOOK_DISABLE_AFTER: '1500ms' } });
  });

  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('disables an endpoint whose deliveries fail for longer than WEBHOOK_DISABLE_AFTER, not one with a short outage', async () => {
    receiver.respond('/broken', (response) => response.writeHead(500).end());
    receiver.respond('/blip', (response, index) => response.writeHead(index === 0 ? 503 : 204).end());
    const user = await t.createUser();
    const register = (path: string) =>
      t.request('POST', '/v1/webhook-endpoints', {
        key: user.apiKey,
        body: { url: receiver.url(path), events: ['generation.completed'] },
      });
    const [broken, blip] = await Promise.all([register('/broken'), register('/blip')]);
    for (const endpoint of [broken, blip]) {
      await t.request('POST', `/v1/webhook-endpoints/${endpoint.body.id}/test`, { key: user.apiKey });
    }
    const disabled = await eventually(async () => {
      const body = (await t.request('GET', `/v1/webhook-endpoints/${broken.body.id}`, { key: user.apiKey })).body;
      return body.enabled ? undefined : body;
    });
    expect(disabled.disabledReason).toMatch(/^every delivery failed since /);
    await receiver.waitFor('/blip', 2);
    const healthy = (await t.request('GET', `/v1/webhook-endpoints/${blip.body.id}`, { key: user.apiKey })).body;
    expect(healthy).toMatchObject({ enabled: true, failingSince: null });
  });
});

describe('webhook deliveries across a restart (e2e)', () => {
  it('delivers what was pending when the process stopped', async () => {
    const receiver = await startWebhookReceiver();
    const storage = await createTestStorage();
    try {
      const before = await startTestApp({ env: { ...WEBHOOK_ENV, RUN_WORKERS: 'false' }, storage });
      const user = await before.createUser();
      const endpoint = await before.request('POST', '/v1/webhook-endpoints', {
        key: user.apiKey,
        body: { url: receiver.url('/after-restart'), events: ['generation.completed'] },
      });
      const test = await before.request('POST', `/v1/webhook-endpoints/${endpoint.body.id}/test`, { key: user.apiKey });
      expect(test.body.status).toBe('pending');
      await before.close();
      expect(receiver.received('/after-restart')).toHaveLength(0);

      const after = await startTestApp({ env: WEBHOOK_ENV, storage });
      try {
        const [delivered] = await receiver.waitFor('/after-restart', 1);
        expect(new Webhook(endpoint.body.secret).verify(delivered.rawBody, delivered.headers)).toMatchObject({
          type: 'webhook.test',
        });
      } finally {
        await after.close();
      }
    } finally {
      await storage.dispose();
      await receiver.close();
    }
  });
});

describe('webhook deliveries whose job was lost (e2e)', () => {
  it('the periodic sweep sends a delivery committed without its job, with no restart', async () => {
    const receiver = await startWebhookReceiver();
    const t = await startTestApp({ env: { ...WEBHOOK_ENV, RECONCILE_INTERVAL_MS: '300' } });
    try {
      const user = await t.createUser();
      const endpoint = await t.request('POST', '/v1/webhook-endpoints', {
        key: user.apiKey,
        body: { url: receiver.url('/lost-job'), events: ['generation.completed'] },
      });
      // Committed like any event, but never dispatched: the process that would enqueue it died after the commit.
      const events = t.app.get(WebhookEvents);
      await t.database.transaction((tx) =>
        events.recordFor(tx, user.id, 'webhook.test', { message: 'committed, never enqueued' }, [endpoint.body]),
      );
      const [delivered] = await receiver.waitFor('/lost-job', 1);
      expect(new Webhook(endpoint.body.secret).verify(delivered.rawBody, delivered.headers)).toMatchObject({
        type: 'webhook.test',
      });
    } finally {
      await t.close();
      await receiver.close();
    }
  });
});
