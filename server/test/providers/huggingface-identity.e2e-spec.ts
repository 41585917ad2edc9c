import sharp from 'sharp';
import { renderControlImage } from '../../src/pose-templates/rendering/control-image.js';
import { poseOf } from '../../src/pose-templates/pose-templates.service.js';
import type { Keypoint } from '../../src/pose-templates/skeleton/keypoints.js';
import { createMerchant, readEventStream, type Merchant } from '../support/generation-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { runWithEndpointParser } from './endpoint-parser.js';
import { jsonBody, ProviderTestServer, type RecordedRequest } from './provider-test-server.js';

interface IdentityBody {
  inputs: string;
  parameters: { seed: number; ip_adapter_image?: string; ip_adapter_scale?: number };
}

const SIZE = { width: 384, height: 512 };
const rawPixels = (png: Buffer) => sharp(png).removeAlpha().raw().toBuffer();

/** What deploy/huggingface-endpoint's own parser reads from each body: its reference image's format. */
function endpointParserReads(requests: readonly RecordedRequest[]): (string | null)[] {
  return runWithEndpointParser(
    [
      'import json, sys',
      'from request_parsing import image_format, parse_request',
      'bodies = json.load(sys.stdin)',
      'print(json.dumps([image_format(parse_request(b).ip_adapter_image or b"") for b in bodies]))',
    ],
    `[${requests.map((request) => request.body.toString('utf8')).join(',')}]`,
  );
}

describe('generations with HF_IDENTITY=ip-adapter against an endpoint on 127.0.0.1 (e2e)', () => {
  let server: ProviderTestServer;
  let t: TestApp;
  let merchant: Merchant;
  let output: Buffer;

  beforeAll(async () => {
    server = await ProviderTestServer.start();
    output = await sharp({ create: { ...SIZE, channels: 3, background: '#806040' } })
      .png()
      .toBuffer();
    server.handle(() => ({ status: 200, headers: { 'content-type': 'image/png' }, body: output }));
    t = await startTestApp({
      env: {
        GENERATION_PROVIDERS: 'huggingface',
        HF_TOKEN: 'hf_test_token',
        HF_ENDPOINT_URL: `${server.url}/controlnet`,
        HF_IDENTITY: 'ip-adapter',
        IP_ADAPTER_SCALE: '0.65',
        POSE_DETECTOR: 'off',
      },
    });
    merchant = await createMerchant(t);
  });

  afterAll(async () => {
    await t.close();
    await server.close();
  });

  async function runGeneration(identity: 'avatar' | 'none') {
    server.handle(() => ({ status: 200, headers: { 'content-type': 'image/png' }, body: output }));
    const created = await t.request('POST', '/v1/generations', {
      key: merchant.apiKey,
      body: {
        avatarId: merchant.avatarId,
        productId: merchant.productId,
        distribution: { 'fashion-standing': 3, 'skincare-application': 3 },
        identity,
        ...SIZE,
      },
    });
    expect(created.status).toBe(202);
    const events = await readEventStream(`${t.baseUrl}/v1/generations/${created.body.id}/events`, merchant.apiKey);
    expect(events.at(-1)).toMatchObject({ event: 'completed', data: { status: 'completed', successfulPoses: 6 } });
    const slots = await t.database.client.generatedPose.findMany({
      where: { generationId: created.body.id },
      include: { poseTemplate: true },
    });
    return { slots, requests: [...server.requests] };
  }

  it("sends every slot's control image as inputs and the avatar as ip_adapter_image, and records identity", async () => {
    const { slots, requests } = await runGeneration('avatar');

    expect(requests).toHaveLength(6);
    expect(slots.map((slot) => slot.identity)).toEqual(Array(6).fill('avatar'));
    for (const request of requests) {
      const { inputs, parameters } = jsonBody<IdentityBody>(request);
      const slot = slots.find((candidate) => candidate.seed === parameters.seed)!;
      const template = slot.poseTemplate;
      const expected = await renderControlImage(
        poseOf({ ...template, keypoints: template.keypoints as unknown as Keypoint[] }),
        SIZE,
      );
      expect((await rawPixels(Buffer.from(inputs, 'base64'))).equals(await rawPixels(expected.png))).toBe(true);
      expect(parameters.ip_adapter_scale).toBe(0.65);
      // The avatar uploaded by createMerchant: a 300x450 #c08a6a portrait, re-encoded as a JPEG.
      const avatar = Buffer.from(parameters.ip_adapter_image!, 'base64');
      expect(await sharp(avatar).metadata()).toMatchObject({ format: 'jpeg', width: 300, height: 450 });
      const { dominant } = await sharp(avatar).stats();
      expect(Math.abs(dominant.r - 0xc0) + Math.abs(dominant.g - 0x8a) + Math.abs(dominant.b - 0x6a)).toBeLessThan(40);
    }
    expect(endpointParserReads(requests)).toEqual(Array(6).fill('jpeg'));
  });

  it('sends no avatar for a generation that asks for identity none, and records none', async () => {
    const { slots, requests } = await runGeneration('none');

    expect(requests).toHaveLength(6);
    expect(slots.map((slot) => slot.identity)).toEqual(Array(6).fill('none'));
    for (const request of requests) {
      expect(jsonBody<IdentityBody>(request).parameters).not.toHaveProperty('ip_adapter_image');
    }
    expect(endpointParserReads(requests)).toEqual(Array(6).fill(null));
  });
});
