/**
 * Wall time of a 500-pose generation against a local provider that answers in
 * 200 ms and serves at most 16 requests at once (queueing the rest), with
 * GENERATION_CONCURRENCY=16, divided by the ideal ceil(500/16) x 200 ms.
 * Runs on the embedded default, and with Bull when DATABASE_URL and REDIS_URL
 * are set. Prints figures; asserts nothing about time.
 *
 *   cd server && NODE_OPTIONS="--experimental-vm-modules --no-warnings=ExperimentalWarning" \
 *     npx jest --testMatch '<rootDir>/bench/**\/*.bench.ts' bench/generation-throughput.bench.ts
 *   # with Bull: prefix DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { createMerchant } from '../test/support/generation-fixtures.js';
import { laneName } from '../test/support/lanes.js';
import { startTestApp } from '../test/support/test-app.js';

const POSES = 500;
const LATENCY_MS = 200;
const PROVIDER_SLOTS = 16;
const IDEAL_MS = Math.ceil(POSES / PROVIDER_SLOTS) * LATENCY_MS;

/** A Hugging Face endpoint stand-in on 127.0.0.1: 200 ms per image, 16 at a time, the rest wait in line. */
async function startProvider(image: Buffer) {
  let active = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];
  const serve = (response: ServerResponse) => {
    active += 1;
    peak = Math.max(peak, active);
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'image/png' }).end(image);
      active -= 1;
      waiting.shift()?.();
    }, LATENCY_MS);
  };
  const server = createServer((request: IncomingMessage, response) => {
    request.resume();
    request.on('end', () => (active < PROVIDER_SLOTS ? serve(response) : waiting.push(() => serve(response))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/controlnet`,
    peak: () => peak,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe(`generation throughput (${laneName})`, () => {
  it(`renders ${POSES} poses`, async () => {
    const image = await sharp({ create: { width: 256, height: 384, channels: 3, background: '#806040' } })
      .png()
      .toBuffer();
    const provider = await startProvider(image);
    const t = await startTestApp({
      env: {
        GENERATION_PROVIDERS: 'huggingface',
        HF_TOKEN: 'hf_bench',
        HF_ENDPOINT_URL: provider.url,
        GENERATION_CONCURRENCY: String(PROVIDER_SLOTS),
      },
    });
    try {
      const merchant = await createMerchant(t);
      const started = performance.now();
      const created = await t.request('POST', '/v1/generations', {
        key: merchant.apiKey,
        body: {
          avatarId: merchant.avatarId,
          productId: merchant.productId,
          distribution: {
            'fashion-standing': 150,
            'fashion-walking': 90,
            'fashion-sitting': 90,
            'lifestyle-casual': 90,
            'skincare-application': 80,
          },
          width: 256,
          height: 384,
        },
      });
      if (created.status !== 202) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
      let generation = created.body;
      while (generation.status === 'pending' || generation.status === 'processing') {
        await new Promise((resolve) => setTimeout(resolve, 50));
        generation = (await t.request('GET', `/v1/generations/${created.body.id}`, { key: merchant.apiKey })).body;
      }
      const wallMs = performance.now() - started;
      process.stdout.write(
        [
          `\ngeneration throughput, ${laneName} lane (${t.config.redisUrl ? 'Bull' : 'inline driver'})`,
          `  ${generation.successfulPoses}/${POSES} succeeded, status ${generation.status}`,
          `  wall time ${(wallMs / 1000).toFixed(2)} s; ideal ceil(${POSES}/${PROVIDER_SLOTS}) x ${LATENCY_MS} ms = ${(IDEAL_MS / 1000).toFixed(2)} s`,
          `  ratio ${(wallMs / IDEAL_MS).toFixed(2)} (1.00 is ideal); provider peak concurrency ${provider.peak()}`,
          `  reproduce: cd server && NODE_OPTIONS="--experimental-vm-modules --no-warnings=ExperimentalWarning" npx jest --testMatch '<rootDir>/bench/**/*.bench.ts' bench/generation-throughput.bench.ts\n`,
        ].join('\n'),
      );
    } finally {
      await t.close();
      await provider.close();
    }
  });
});
