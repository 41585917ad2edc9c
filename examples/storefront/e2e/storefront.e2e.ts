/**
 * Clicks through the storefront in headless Chromium, as a merchant would: edit the brand kit, drop
 * an avatar and a product, browse the pose library, try "pose from a photo", quote and start a
 * batch, follow its progress to the end, export an image, download the ZIP, see the webhook arrive.
 * Saves screenshots of the page and of the results gallery.
 *
 *   STOREFRONT_URL=http://127.0.0.1:5173 ARTIFACTS_DIR=/tmp/artifacts npm run e2e -w examples/storefront
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { config } from './config.js';

const MIX = 'fashion-standing=2,fashion-walking=2';
const POSES = 4;
const GENERATION_TIMEOUT_MS = 120_000;

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await run();
  console.log(`ok  ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

/** Stand-in photos: a model, a product shot, and a photo with nobody in it. */
async function photos() {
  const avatar = await sharp({ create: { width: 600, height: 900, channels: 3, background: '#c08a6a' } })
    .jpeg()
    .toBuffer();
  const product = await sharp({ create: { width: 480, height: 480, channels: 3, background: '#ffffff' } })
    .composite([
      { input: { create: { width: 160, height: 300, channels: 3, background: '#2050c0' } }, left: 160, top: 90 },
    ])
    .png()
    .toBuffer();
  const emptyRoom = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#d8d2c4' } })
    .jpeg()
    .toBuffer();
  return { avatar, product, emptyRoom };
}

async function drop(page: Page, zone: string, name: string, mimeType: string, buffer: Buffer) {
  await page.setInputFiles(`[data-testid=${zone}] input`, { name, mimeType, buffer });
}

async function main() {
  const artifacts = resolve(config.artifactsDir);
  await mkdir(artifacts, { recursive: true });
  const images = await photos();
  const browser = await chromium.launch({
    executablePath: config.chromium,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const pageErrors: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(30_000);

    await step('page loads with a client token', async () => {
      await page.goto(config.storefrontUrl);
      await page.getByTestId('brand-kit').waitFor();
    });

    await step('brand kit: pick a colour and save', async () => {
      await page.getByRole('button', { name: /^colour 1/ }).click();
      await page.getByLabel('hex colour').fill('2a9d8f');
      await page.getByTestId('save-brand-kit').click();
      await page.getByTestId('brand-kit').getByText('Saved', { exact: true }).waitFor();
    });

    await step('drop an avatar and a product', async () => {
      const avatarsBefore = await page.locator('[data-testid=assets] .thumbs').first().locator('img').count();
      await drop(page, 'avatar-drop', 'model.jpg', 'image/jpeg', images.avatar);
      await page.waitForFunction(
        (before) =>
          document.querySelectorAll('[data-testid=assets] .thumbs')[0]!.querySelectorAll('img').length > before,
        avatarsBefore,
      );
      await drop(page, 'product-drop', 'serum.png', 'image/png', images.product);
      await page.locator('[data-testid=assets] .thumbs').nth(1).locator('img').first().waitFor();
    });

    await step('pose library: control images by category', async () => {
      await page.locator('[data-testid=pose-gallery] img').first().waitFor();
      await page.getByRole('button', { name: /^fashion-walking/ }).click();
      await page.locator('[data-testid=pose-gallery] figcaption').first().waitFor();
      await page.locator('[data-testid=pose-gallery] img').first().waitFor();
    });

    await step('pose from a photo with nobody in it answers no_person_found', async () => {
      await drop(page, 'photo-drop', 'empty-room.jpg', 'image/jpeg', images.emptyRoom);
      // The first detection starts the detector's thread and loads its model.
      await page.getByTestId('from-photo-result').getByText('No person found').waitFor({ timeout: 90_000 });
    });

    await step('quote', async () => {
      await page.getByTestId('mix').fill(MIX);
      await page.getByTestId('get-quote').click();
      await page.getByTestId('quote').getByText(`${POSES} poses`).waitFor();
    });

    await step('generation runs to the end on the event stream', async () => {
      await page.getByTestId('start-generation').click();
      await page.getByTestId('progress').waitFor();
      await page.getByTestId('progress').getByText(`completed · ${POSES} of ${POSES} done`).waitFor({
        timeout: GENERATION_TIMEOUT_MS,
      });
      await page.waitForFunction(
        (count) => document.querySelectorAll('[data-testid=result] img').length === count,
        POSES,
      );
      // Thumbnails are separate requests: wait until each one has decoded.
      await page.waitForFunction(() =>
        [...document.querySelectorAll<HTMLImageElement>('[data-testid=result] img')].every(
          (img) => img.naturalWidth > 0,
        ),
      );
    });

    await step('export one image and download the ZIP', async () => {
      const firstResult = page.getByTestId('result').first();
      await firstResult.getByRole('button', { name: 'instagram-post' }).click();
      await firstResult.getByRole('link', { name: /instagram-post \d+×\d+/ }).waitFor();
      const href = await page.getByTestId('download-zip').getAttribute('href');
      const archive = await page.request.get(new URL(href!, config.storefrontUrl).toString());
      const body = await archive.body();
      if (
        !archive.ok() ||
        archive.headers()['content-type'] !== 'application/zip' ||
        body.subarray(0, 2).toString() !== 'PK'
      ) {
        throw new Error(`the ZIP link answered ${archive.status()} ${archive.headers()['content-type']}`);
      }
    });

    await step('the shop server received the completion webhook, verified', async () => {
      await page.getByTestId('webhooks').getByText('generation.completed').waitFor({ timeout: 30_000 });
    });

    const gallery = `${artifacts}/storefront-results.png`;
    await page.getByTestId('results').screenshot({ path: gallery });
    await page.screenshot({ path: `${artifacts}/storefront-page.png`, fullPage: true });
    if (pageErrors.length > 0) throw new Error(`the page threw: ${pageErrors.join('; ')}`);
    console.log(`storefront e2e passed; results gallery screenshot: ${gallery}`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
