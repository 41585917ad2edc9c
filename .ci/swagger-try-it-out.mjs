/**
 * Swagger UI as a partner uses it: starts the built server on an embedded temp DATA_DIR, opens /docs in
 * headless Chromium, authorises with the development key, and for every operation presses "Try it out"
 * and "Execute" with the prefilled example (a generated PNG for file fields). Each answer must be 2xx or a
 * 4xx that the operation documents; anything else, or an operation Swagger UI cannot send, fails.
 * Usage: node .ci/swagger-try-it-out.mjs   (after npm run build; needs /usr/bin/chromium)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import sharp from 'sharp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = 3919;
const base = `http://127.0.0.1:${port}`;
const devApiKey = 'lk_test_swagger_try_it_out_0001';
const dataDir = await mkdtemp(path.join(tmpdir(), 'lumiku-swagger-'));
const server = spawn(process.execPath, [path.join(root, 'server/dist/main.js')], {
  // Only what the embedded default needs: no DATABASE_URL or REDIS_URL leaks in from the caller.
  env: { PORT: String(port), DATA_DIR: dataDir, DEV_API_KEY: devApiKey, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'inherit', 'inherit'],
});

async function waitForReady() {
  for (let attempt = 0; attempt < 240; attempt += 1) {
    const ready = await fetch(`${base}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the server was not ready within 120 s');
}

const failures = [];
let browser;
try {
  await waitForReady();
  const spec = await (await fetch(`${base}/openapi.json`)).json();
  const png = await sharp({ create: { width: 64, height: 96, channels: 3, background: '#c8a080' } })
    .png()
    .toBuffer();
  const poseFile = Buffer.from(JSON.stringify({ people: [] }));

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
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
  const page = await browser.newPage();
  await page.goto(`${base}/docs`);
  await page.click('button.authorize');
  await page.fill('.auth-container input[type=text], .auth-container input[type=password]', devApiKey);
  await page.click('.auth-btn-wrapper button.authorize');
  await page.click('.auth-btn-wrapper button.btn-done');

  for (const [route, item] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const name = `${method.toUpperCase()} ${route} (${operation.operationId})`;
      const block = page.locator(`#operations-${operation.tags[0]}-${operation.operationId}`);
      await block.locator('.opblock-summary').first().click();
      await block.locator('.try-out__btn').click();
      const fileInputs = block.locator('input[type=file]');
      for (let index = 0; index < (await fileInputs.count()); index += 1) {
        const isPoseFile = route.endsWith('/import');
        await fileInputs.nth(index).setInputFiles({
          name: isPoseFile ? 'pose.json' : 'photo.png',
          mimeType: isPoseFile ? 'application/json' : 'image/png',
          buffer: isPoseFile ? poseFile : png,
        });
      }
      const answered = page.waitForResponse((response) => response.request().method() === method.toUpperCase(), {
        timeout: 30_000,
      });
      await block.locator('.execute').click();
      const status = await answered.then(
        (response) => response.status(),
        () => undefined,
      );
      const documented = Object.keys(operation.responses);
      const ok =
        status !== undefined &&
        ((status >= 200 && status < 300) || (status < 500 && documented.includes(String(status))));
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${status ?? 'not sent'} ${name}`);
      if (!ok)
        failures.push(`${name}: ${status ?? 'Swagger UI did not send it'} (documented: ${documented.join(', ')})`);
      await block.locator('.opblock-summary').first().click();
    }
  }
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await rm(dataDir, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`\n${failures.length} operation(s) failed in Swagger UI:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('every operation ran from Swagger UI with its prefilled example');
