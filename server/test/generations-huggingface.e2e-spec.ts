import sharp from 'sharp';
import { renderControlImage } from '../src/pose-templates/rendering/control-image.js';
import { poseOf } from '../src/pose-templates/pose-templates.service.js';
import type { Keypoint } from '../src/pose-templates/skeleton/keypoints.js';
import { jsonBody, ProviderTestServer } from './providers/provider-test-server.js';
import { createMerchant, readEventStream } from './support/generation-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface HuggingFaceBody {
  inputs: string;
  parameters: { prompt: string; seed: number; target_size: { width: number; height: number } };
}

const rawPixels = (png: Buffer) => sharp(png).removeAlpha().raw().toBuffer();

describe('generations through Hugging Face on 127.0.0.1 (e2e)', () => {
  let server: ProviderTestServer;
  let t: TestApp;
  let output: Buffer;

  beforeAll(async () => {
    server = await ProviderTestServer.start();
    output = await sharp({ create: { width: 384, height: 512, channels: 3, background: '#806040' } })
      .png()
      .toBuffer();
    t = await startTestApp({
      env: {
        GENERATION_PROVIDERS: 'huggingface',
        HF_TOKEN: 'hf_test_token',
        HF_ENDPOINT_URL: `${server.url}/controlnet`,
        // This suite checks the wire format; the quality gate's re-renders have their own (quality-gate e2e).
        POSE_DETECTOR: 'off',
      },
    });
  });

  afterAll(async () => {
    await t.close();
    await server.close();
  });

  it('sends the bearer token, the rendered skeleton and the prompt, and gets past two 503s per slot', async () => {
    const callsBySeed = new Map<number, number>();
    server.handle((request) => {
      const { parameters } = jsonBody<HuggingFaceBody>(request);
      const calls = (callsBySeed.get(parameters.seed) ?? 0) + 1;
      callsBySeed.set(parameters.seed, calls);
      if (calls <= 2) {
        return {
          status: 503,
          body: { error: 'Model lllyasviel/control_v11p_sd15_openpose is currently loading', estimated_time: 0.05 },
        };
      }
      return { status: 200, headers: { 'content-type': 'image/png' }, body: output };
    });
    const merchant = await createMerchant(t);
    const created = await t.request('POST', '/v1/generations', {
      key: merchant.apiKey,
      body: {
        avatarId: merchant.avatarId,
        productId: merchant.productId,
        distribution: { 'fashion-standing': 4, 'skincare-application': 4 },
        width: 384,
        height: 512,
      },
    });
    expect(created.status).toBe(202);
    const events = await readEventStream(`${t.baseUrl}/v1/generations/${created.body.id}/events`, merchant.apiKey);
    expect(events.at(-1)).toMatchObject({ event: 'completed', data: { status: 'completed', successfulPoses: 8 } });

    const slots = await t.database.client.generatedPose.findMany({
      where: { generationId: created.body.id },
      include: { poseTemplate: true },
    });
    expect(slots.every((slot) => slot.status === 'succeeded' && slot.provider === 'huggingface')).toBe(true);
    expect(slots.every((slot) => slot.modelId === 'lllyasviel/control_v11p_sd15_openpose')).toBe(true);
    expect(server.requests).toHaveLength(8 * 3);
    for (const slot of slots) expect(callsBySeed.get(slot.seed)).toBe(3);

    for (const request of server.requests) {
      expect(request.headers.authorization).toBe('Bearer hf_test_token');
      const { inputs, parameters } = jsonBody<HuggingFaceBody>(request);
      expect(parameters.prompt).toContain('Hydra Serum');
      expect(parameters.target_size).toEqual({ width: 384, height: 512 });
      const control = Buffer.from(inputs, 'base64');
      expect(control.subarray(1, 4).toString('latin1')).toBe('PNG');
      const slot = slots.find((candidate) => candidate.seed === parameters.seed)!;
      const template = slot.poseTemplate;
      const expected = await renderControlImage(
        poseOf({ ...template, keypoints: template.keypoints as unknown as Keypoint[] }),
        { width: 384, height: 512 },
      );
      expect((await rawPixels(control)).equals(await rawPixels(expected.png))).toBe(true);
    }
  });
});
