/**
 * Wall time of a 500-pose generation against a local provider that answers in
 * 200 ms and serves at most 16 requests at once (queueing the rest), with
 * GENERATION_CONCURRENCY=16, divided by the ideal ceil(500/16) x 200 ms.
 * Runs on the embedded default, and with Bull when DATABASE_URL and REDIS_URL
 * are set; each with the quality gate off and on. Prints figures; asserts nothing about time.
 *
 *   npm run bench -w server -- bench/generation-throughput.bench.ts
 *   # with Bull: prefix DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { createMerchant } from '../test/support/generation-fixtures.js';
import { laneName } from '../test/support/lanes.js';
import { startTestApp, type TestApp } from '../test/support/test-app.js';
import { POSE_DETECTOR, type PoseDetector } from '../src/vision/pose-detector.js';
import { COCO_FIXTURES_DIR, cocoFixturesPresent } from '../test/vision/coco-fixtures.js';

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
      response.end(image);
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

/** A real photo of a person when the shared fixtures are there, so the detector sees what it would in production. */
async function providerImage(): Promise<{ image: Buffer; kind: string }> {
  if (cocoFixturesPresent) {
    return {
      image: await readFile(path.join(COCO_FIXTURES_DIR, '000000030752.jpg')),
      kind: 'a COCO photo of a person',
    };
  }
  const image = await sharp({ create: { width: 256, height: 384, channels: 3, background: '#806040' } })
    .png()
    .toBuffer();
  return { image, kind: 'a plain PNG (shared photos absent)' };
}

/** Seconds the detector needs for POSES detections of `image`, from the mean of a few, measured after the batch. */
async function detectorSecondsFor(t: TestApp, image: Buffer, gateOn: boolean): Promise<number | undefined> {
  if (!gateOn) return undefined;
  const detector = t.app.get<PoseDetector>(POSE_DETECTOR);
  const SAMPLES = 20;
  const started = performance.now();
  for (let index = 0; index < SAMPLES; index++) await detector.detect(image);
  return ((performance.now() - started) / SAMPLES / 1000) * POSES;
}

/**
 * The batch with the quality gate off (POSE_DETECTOR=off) and on. With the gate on, QUALITY_MAX_RENDERS=1 keeps
 * the provider calls equal, so the difference is the detector's own cost.
 */
const GATES: Array<{ name: string; env: Record<string, string> }> = [
  { name: 'quality gate off', env: { POSE_DETECTOR: 'off' } },
  { name: 'quality gate on (scored, 1 render)', env: { POSE_DETECTOR: 'movenet', QUALITY_MAX_RENDERS: '1' } },
];

describe(`generation throughput (${laneName})`, () => {
  for (const gate of GATES) {
    it(`renders ${POSES} poses, ${gate.name}`, async () => {
      const { image, kind } = await providerImage();
      const provider = await startProvider(image);
      const t = await startTestApp({
        env: {
          GENERATION_PROVIDERS: 'huggingface',
          HF_TOKEN: 'hf_bench',
          HF_ENDPOINT_URL: provider.url,
          GENERATION_CONCURRENCY: String(PROVIDER_SLOTS),
          ...gate.env,
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
            compositeProduct: false,
          },
        });
        if (created.status !== 202)
          throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
        let generation = created.body;
        while (generation.status === 'pending' || generation.status === 'processing') {
          await new Promise((resolve) => setTimeout(resolve, 50));
          generation = (await t.request('GET', `/v1/generations/${created.body.id}`, { key: merchant.apiKey })).body;
        }
        const wallMs = performance.now() - started;
        const detectorSeconds = await detectorSecondsFor(t, image, gate.env.POSE_DETECTOR !== 'off');
        process.stdout.write(
          [
            `\ngeneration throughput, ${laneName} lane (${t.config.redisUrl ? 'Bull' : 'inline driver'}), ${gate.name}`,
            `  provider answers ${kind}`,
            `  ${generation.successfulPoses}/${POSES} succeeded, status ${generation.status}, avgQualityScore ${generation.avgQualityScore ?? 'null'}`,
            `  wall time ${(wallMs / 1000).toFixed(2)} s; ideal ceil(${POSES}/${PROVIDER_SLOTS}) x ${LATENCY_MS} ms = ${(IDEAL_MS / 1000).toFixed(2)} s`,
            `  ratio ${(wallMs / IDEAL_MS).toFixed(2)} (1.00 is ideal); provider peak concurrency ${provider.peak()}`,
            ...(detectorSeconds === undefined
              ? []
              : [
                  `  the detector alone, ${POSES} detections of this image one after another: ${detectorSeconds.toFixed(1)} s`,
                ]),
            `  reproduce: npm run bench -w server -- bench/generation-throughput.bench.ts\n`,
          ].join('\n'),
        );
      } finally {
        await t.close();
        await provider.close();
      }
    }, 600_000);
  }
});
