import { Lumiku, verifyWebhook, WebhookVerificationError } from '../src/index.js';

// The Standard Webhooks reference vector (reliability.md W1).
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = '{"test": 2432232314}';
const headers = {
  'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  'webhook-timestamp': '1614265330',
  'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const atSigningTime = { toleranceSeconds: Date.now() / 1000 - 1614265330 + 60 };

describe('webhooks', () => {
  it('verifies the reference vector and unwraps its body', async () => {
    await expect(verifyWebhook(body, headers, secret, atSigningTime)).resolves.toBeUndefined();
    const lumiku = new Lumiku({ apiKey: 'lk_test_unit', webhookSecret: secret, fetch: globalThis.fetch });
    await expect(
      lumiku.webhooks.unwrap(new TextEncoder().encode(body), new Headers(headers), undefined, atSigningTime),
    ).resolves.toEqual({ test: 2432232314 });
  });

  it('accepts any v1 signature in a rotation list', async () => {
    const rotated = { ...headers, 'webhook-signature': `v1,bm90IGl0 v2,xyz ${headers['webhook-signature']}` };
    await expect(verifyWebhook(body, rotated, secret, atSigningTime)).resolves.toBeUndefined();
  });

  it.each([
    ['a changed body', '{"test": 2432232315}', headers, atSigningTime],
    ['a missing signature', body, { ...headers, 'webhook-signature': undefined }, atSigningTime],
    ['a non-numeric timestamp', body, { ...headers, 'webhook-timestamp': 'soon' }, atSigningTime],
    ['an old timestamp', body, headers, {}],
    ['a partial signature', body, { ...headers, 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt' }, atSigningTime],
    [
      'another version only',
      body,
      { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1', 'v2') },
      atSigningTime,
    ],
  ])('rejects %s', async (_case, rawBody, given, options) => {
    await expect(verifyWebhook(rawBody, given, secret, options)).rejects.toBeInstanceOf(WebhookVerificationError);
  });
});
