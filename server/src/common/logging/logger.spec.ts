import Fastify, { type FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { IncomingMessage } from 'node:http';
import { logRequests, READ_LOG_SAMPLE, requestIdFor } from './logger.js';

/** A Fastify app whose request lines land in `lines`, with pino at the level operators run it. */
async function appLoggingAt(level: string) {
  const lines: Array<{ level: number; url: string; statusCode: number; sampled?: number }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) {
        const entry = JSON.parse(text) as { msg: string };
        if (entry.msg === 'request') lines.push(entry as never);
      }
      done();
    },
  });
  const fastify = Fastify({ loggerInstance: pino({ level }, stream), disableRequestLogging: true });
  logRequests(fastify as unknown as FastifyInstance);
  for (const [method, url] of [
    ['GET', '/v1/things'],
    ['POST', '/v1/things'],
    ['GET', '/health'],
  ] as const) {
    fastify.route({ method, url, handler: (_request, reply) => reply.send({ ok: true }) });
  }
  const address = await fastify.listen({ port: 0, host: '127.0.0.1' });
  const call = async (method: string, url: string) => {
    await (await fetch(address + url, { method })).text();
  };
  return { fastify, lines, call };
}

const INFO = 30;
const DEBUG = 20;

describe('logRequests', () => {
  it('at info, logs writes, refusals and one in READ_LOG_SAMPLE successful reads', async () => {
    const { fastify, lines, call } = await appLoggingAt('info');
    const reads = READ_LOG_SAMPLE * 3;
    for (let index = 0; index < reads; index++) await call('GET', '/v1/things');
    await call('POST', '/v1/things');
    await call('GET', '/v1/missing');
    await call('GET', '/health');
    await fastify.close();

    const sampled = lines.filter((line) => line.url === '/v1/things' && line.sampled === READ_LOG_SAMPLE);
    expect(sampled).toHaveLength(3);
    expect(lines.filter((line) => line.statusCode === 404)).toHaveLength(1);
    expect(lines.filter((line) => line.url === '/health')).toHaveLength(0);
    expect(lines).toHaveLength(3 + 2);
    expect(lines.every((line) => line.level === INFO)).toBe(true);
  });

  it('at debug, logs every request', async () => {
    const { fastify, lines, call } = await appLoggingAt('debug');
    for (let index = 0; index < 10; index++) await call('GET', '/v1/things');
    await call('GET', '/health');
    await fastify.close();
    expect(lines).toHaveLength(11);
    expect(lines.filter((line) => line.level === DEBUG)).toHaveLength(11);
  });
});

describe('requestIdFor', () => {
  const request = (headers: Record<string, string> = {}) => ({ headers }) as unknown as IncomingMessage;

  it('keeps a well-formed caller id and makes distinct req_ ids otherwise', () => {
    expect(requestIdFor(request({ 'x-request-id': 'shop-42:a.b_c' }))).toBe('shop-42:a.b_c');
    const ids = Array.from({ length: 1000 }, () => requestIdFor(request({ 'x-request-id': 'no spaces allowed' })));
    expect(ids.every((id) => /^req_[A-Za-z0-9_-]{16}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
