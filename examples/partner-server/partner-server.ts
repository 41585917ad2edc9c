/**
 * A partner's server using @lumiku/pose-sdk against a running Lumiku Pose API:
 * brand kit, avatar and product uploads, a webhook endpoint with a verifying receiver, a batch
 * waited to completion, its results, and a client token for the storefront.
 *
 *   LUMIKU_API_KEY=lk_test_... LUMIKU_BASE_URL=http://127.0.0.1:3000 npm run partner-server -w examples
 *
 * The receiver listens on 127.0.0.1, so the server must run with WEBHOOK_ALLOW_PRIVATE=true
 * (development only); without it the example skips the webhook part.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Lumiku, LumikuError, WebhookVerificationError } from '@lumiku/pose-sdk';
import sharp from 'sharp';

const lumiku = new Lumiku({ maxRetries: 3 }); // LUMIKU_API_KEY and LUMIKU_BASE_URL from the environment

/** Stand-ins for the merchant's photos: a model on a warm background and a blue bottle on white. */
async function merchantPhotos() {
  const avatar = await sharp({ create: { width: 600, height: 900, channels: 3, background: '#c08a6a' } })
    .jpeg()
    .toBuffer();
  const product = await sharp({ create: { width: 480, height: 480, channels: 3, background: '#ffffff' } })
    .composite([
      { input: { create: { width: 160, height: 300, channels: 3, background: '#2050c0' } }, left: 160, top: 90 },
    ])
    .png()
    .toBuffer();
  return { avatar, product };
}

/** The partner's webhook route: verify the raw body against the endpoint's secret before trusting it. */
async function startWebhookReceiver(secret: () => string | undefined, onEvent: (event: { type: string }) => void) {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const endpointSecret = secret();
      if (!endpointSecret) return void response.writeHead(503).end();
      lumiku.webhooks
        .unwrap<{ type: string }>(Buffer.concat(chunks), request.headers as Record<string, string>, endpointSecret)
        .then((event) => {
          onEvent(event);
          response.writeHead(204).end();
        })
        .catch((error: unknown) => {
          response.writeHead(error instanceof WebhookVerificationError ? 400 : 500).end();
        });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/lumiku` };
}

async function main() {
  const photos = await merchantPhotos();
  const kit = await lumiku.brandKits.create({ brandName: 'Glow Lab', colors: ['#F4B6C2', '#1B1B1B'], tone: 'calm' });
  const avatar = await lumiku.avatars.create({
    file: photos.avatar,
    filename: 'model.jpg',
    brandKitId: kit.id,
    name: 'Ayu',
    gender: 'female',
    ageRange: '25-34',
  });
  const product = await lumiku.products.create({
    file: photos.product,
    filename: 'serum.png',
    brandKitId: kit.id,
    name: 'Hydra Serum',
    category: 'skincare',
    placement: 'hand-right',
  });
  console.log(`brand kit ${kit.id}, avatar ${avatar.id}, product ${product.id}`);

  let endpointSecret: string | undefined;
  const receiver = await startWebhookReceiver(
    () => endpointSecret,
    (event) => console.log(`webhook verified: ${event.type}`),
  );
  try {
    const endpoint = await lumiku.webhookEndpoints.create({ url: receiver.url, events: ['generation.completed'] });
    endpointSecret = endpoint.secret;
    console.log(`webhook endpoint ${endpoint.id} -> ${receiver.url}`);
  } catch (error) {
    if (!(error instanceof LumikuError && error.status === 422)) throw error;
    console.log('webhooks skipped: the server refuses 127.0.0.1 receivers (set WEBHOOK_ALLOW_PRIVATE=true)');
  }

  const input = { avatarId: avatar.id, productId: product.id, distribution: { fashion: 3, skincare: 2 }, seed: 42 };
  const quote = await lumiku.generations.quote(input);
  console.log(`quote: ${quote.totalPoses} poses`);
  const generation = await lumiku.generations.createAndWait(input, {
    onProgress: (progress) => console.log(`  ${progress.status} ${progress.progress}%`),
  });
  console.log(`generation ${generation.id}: ${generation.status}, ${generation.successfulPoses} images`);
  for await (const pose of lumiku.generations.poses(generation.id)) {
    console.log(`  #${pose.slotIndex} ${pose.status} ${pose.outputUrl ?? pose.failureReason}`);
  }

  const { token, expiresAt } = await lumiku.clientTokens.create({
    brandKitId: kit.id,
    scopes: ['poses:read', 'generations:create', 'generations:read'],
    ttlSeconds: 900,
  });
  console.log(`client token for the storefront (until ${expiresAt}): ${token.slice(0, 16)}...`);

  // Give the completion webhook a moment to arrive before the receiver closes.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  receiver.server.close();
}

main().catch((error: unknown) => {
  if (error instanceof LumikuError) console.error(`${error.name} (request ${error.requestId}): ${error.message}`);
  else console.error(error);
  process.exitCode = 1;
});
