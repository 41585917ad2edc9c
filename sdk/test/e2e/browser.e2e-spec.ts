import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import sharp from 'sharp';
import { startTestApp, type TestApp } from '../../../server/test/support/test-app.js';
import { Lumiku } from '../../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const BROWSER_BUILD = new URL('../../dist/index.js', import.meta.url);

/** A storefront page on its own 127.0.0.1 origin, serving the SDK's browser build beside it. */
async function startStorefront(): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    if (request.url === '/sdk/index.js') {
      readFile(BROWSER_BUILD).then(
        (code) => response.writeHead(200, { 'content-type': 'text/javascript' }).end(code),
        () => response.writeHead(404).end(),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Storefront</title>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip;

describeWithChromium('SDK browser build in headless Chromium', () => {
  let t: TestApp;
  let storefront: Awaited<ReturnType<typeof startStorefront>>;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(BROWSER_BUILD)) throw new Error('Build the SDK first: npm run build -w sdk');
    t = await startTestApp();
    storefront = await startStorefront();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    storefront?.server.close();
    await t?.close();
  });

  it('lists pose templates and starts a generation with a client token', async () => {
    // The partner's server: a key that allows the storefront's origin, assets, and a token for the page.
    const user = await t.createUser();
    const admin = new Lumiku({ apiKey: user.apiKey, baseUrl: t.baseUrl });
    const storefrontKey = await admin.apiKeys.create({ name: 'storefront', corsOrigins: [storefront.origin] });
    const partner = new Lumiku({ apiKey: storefrontKey.secret, baseUrl: t.baseUrl });
    const kit = await partner.brandKits.create({ brandName: 'Glow Lab' });
    const photo = await sharp({ create: { width: 300, height: 450, channels: 3, background: '#c08a6a' } })
      .jpeg()
      .toBuffer();
    const avatar = await partner.avatars.create({ file: photo, filename: 'a.jpg', brandKitId: kit.id, name: 'Model' });
    const product = await partner.products.create({
      file: new Blob([photo]),
      filename: 'p.jpg',
      brandKitId: kit.id,
      name: 'Serum',
      removeBackground: false,
    });
    const { token } = await partner.clientTokens.create({
      brandKitId: kit.id,
      scopes: ['poses:read', 'generations:create', 'generations:read'],
      ttlSeconds: 300,
    });

    const page = await browser.newPage();
    await page.goto(storefront.origin);
    const result = await page.evaluate(
      async ({ clientToken, baseUrl, avatarId, productId }) => {
        const sdkUrl = '/sdk/index.js';
        const { Lumiku: BrowserLumiku } = (await import(sdkUrl)) as typeof import('../../src/index.js');
        const lumiku = new BrowserLumiku({ clientToken, baseUrl });
        const templates = await lumiku.poseTemplates.list({ category: 'fashion', limit: 4 });
        const generation = await lumiku.generations.create({
          avatarId,
          productId,
          poseTemplateIds: templates.data.slice(0, 2).map((template) => template.id),
        });
        const refused = await lumiku.brandKits.list().then(
          () => 'allowed',
          (error: unknown) => (error as Error).name,
        );
        return { templates: templates.data.length, generation, refused, origin: location.origin };
      },
      { clientToken: token, baseUrl: t.baseUrl, avatarId: avatar.id, productId: product.id },
    );

    expect(result.origin).toBe(storefront.origin);
    expect(result.templates).toBe(4);
    expect(result.generation).toMatchObject({ status: 'pending', totalPoses: 2, brandKitId: kit.id });
    expect(result.refused).toBe('PermissionDeniedError');
    await expect(partner.generations.waitForCompletion(result.generation.id)).resolves.toMatchObject({
      status: 'completed',
    });
  });
});
