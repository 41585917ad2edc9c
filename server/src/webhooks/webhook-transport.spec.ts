import { createServer, type Server } from 'node:http';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { classifyAddress } from './webhook-address-policy.js';
import { parseRetryAfter, WebhookTransport, type Connector, type Resolver } from './webhook-transport.js';

/** Records every connection attempt and opens only loopback ones: these tests never reach anything else. */
function recordingConnector(): { attempts: string[]; connect: Connector } {
  const attempts: string[] = [];
  return {
    attempts,
    connect: (target) => {
      attempts.push(`${target.address}:${target.port}`);
      if (classifyAddress(target.address) !== 'loopback') throw new Error(`test connector refuses ${target.address}`);
      return netConnect({ host: target.address, port: target.port });
    },
  };
}

/** A fixed DNS: each name answers its list, or the next list on each further lookup. */
function fakeResolver(answers: Record<string, string[][]>): Resolver {
  const calls = new Map<string, number>();
  return (hostname) => {
    const sequence = answers[hostname] ?? [];
    const call = calls.get(hostname) ?? 0;
    calls.set(hostname, call + 1);
    const addresses = sequence[Math.min(call, sequence.length - 1)] ?? [];
    return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
}

describe('webhook address classes', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['100.64.0.1', 'carrier-grade-nat'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a00:1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['::ffff:8.8.8.8', 'public'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});

describe('webhook transport', () => {
  const resolve = fakeResolver({
    'internal.example': [['10.1.2.3']],
    'metadata.example': [['169.254.169.254']],
    'mixed.example': [['93.184.215.14', '192.168.0.10']],
    'rebind.example': [['93.184.215.14'], ['127.0.0.1']],
    'receiver.test': [['127.0.0.1']],
  });

  it.each([
    'http://169.254.169.254/',
    'https://169.254.169.254/latest/meta-data/',
    'https://127.0.0.1:6379/',
    'https://[::1]/',
    'https://[::ffff:10.0.0.1]/',
    'https://[::ffff:127.0.0.1]:6379/',
    'https://0.0.0.0/',
    'https://100.64.1.1/',
    'https://internal.example/hook',
    'https://metadata.example/',
    'https://mixed.example/',
    'https://localhost/',
    'http://example.com/',
    'https://user:pass@example.com/',
  ])('refuses %s before opening any connection', async (url) => {
    const connector = recordingConnector();
    const transport = new WebhookTransport({
      allowPrivate: false,
      timeoutMs: 1_000,
      resolve,
      connect: connector.connect,
    });
    await expect(transport.assertDeliverable(url)).rejects.toThrow();
    await expect(transport.post(url, {}, Buffer.from('{}'))).rejects.toMatchObject({ name: 'WebhookDestinationError' });
    expect(connector.attempts).toEqual([]);
  });

  it('checks the address at send time: a host that was public at registration and private now is refused', async () => {
    const connector = recordingConnector();
    const transport = new WebhookTransport({
      allowPrivate: false,
      timeoutMs: 1_000,
      resolve,
      connect: connector.connect,
    });
    await expect(transport.assertDeliverable('https://rebind.example/hook')).resolves.toBeUndefined();
    await expect(transport.post('https://rebind.example/hook', {}, Buffer.from('{}'))).rejects.toThrow(/loopback/);
    expect(connector.attempts).toEqual([]);
  });

  describe('against a receiver on 127.0.0.1', () => {
    let server: Server;
    let port: number;
    const received: Array<{ headers: Record<string, unknown>; body: string }> = [];
    let answer: (response: import('node:http').ServerResponse) => void = (response) => response.end();

    beforeAll(async () => {
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push({ headers: request.headers, body: Buffer.concat(chunks).toString() });
          answer(response);
        });
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      port = (server.address() as AddressInfo).port;
    });

    afterAll(() => new Promise<void>((done) => server.close(() => done())));
    beforeEach(() => (received.length = 0));

    it('posts the exact bytes with the given headers and reads the status and Retry-After', async () => {
      answer = (response) => response.writeHead(429, { 'retry-after': '7' }).end('slow down');
      const connector = recordingConnector();
      const transport = new WebhookTransport({
        allowPrivate: true,
        timeoutMs: 2_000,
        resolve,
        connect: connector.connect,
      });
      const body = Buffer.from('{"a":"é"}');
      const result = await transport.post(`http://receiver.test:${port}/hook`, { 'webhook-id': 'msg_1' }, body);
      expect(result).toEqual({ status: 429, retryAfterSeconds: 7 });
      expect(received).toHaveLength(1);
      expect(received[0].body).toBe('{"a":"é"}');
      expect(received[0].headers).toMatchObject({ 'webhook-id': 'msg_1', 'content-type': 'application/json' });
      expect(connector.attempts).toEqual([`127.0.0.1:${port}`]);
    });

    it('does not follow a redirect to an internal address', async () => {
      answer = (response) => response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      const connector = recordingConnector();
      const transport = new WebhookTransport({
        allowPrivate: true,
        timeoutMs: 2_000,
        resolve,
        connect: connector.connect,
      });
      const result = await transport.post(`http://127.0.0.1:${port}/hook`, {}, Buffer.from('{}'));
      expect(result.status).toBe(302);
      expect(connector.attempts).toEqual([`127.0.0.1:${port}`]);
      expect(received).toHaveLength(1);
    });

    it('gives up on a receiver that does not answer in time', async () => {
      answer = () => undefined;
      const transport = new WebhookTransport({
        allowPrivate: true,
        timeoutMs: 200,
        connect: recordingConnector().connect,
      });
      await expect(transport.post(`http://127.0.0.1:${port}/slow`, {}, Buffer.from('{}'))).rejects.toThrow(
        /within 200 ms/,
      );
    });

    it('still refuses link-local with WEBHOOK_ALLOW_PRIVATE', async () => {
      const connector = recordingConnector();
      const transport = new WebhookTransport({
        allowPrivate: true,
        timeoutMs: 1_000,
        resolve,
        connect: connector.connect,
      });
      await expect(transport.post('http://169.254.169.254/', {}, Buffer.from('{}'))).rejects.toThrow(/link-local/);
      await expect(transport.post('http://metadata.example/', {}, Buffer.from('{}'))).rejects.toThrow(/link-local/);
      expect(connector.attempts).toEqual([]);
    });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
