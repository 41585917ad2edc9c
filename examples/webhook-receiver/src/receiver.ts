/**
 * The smallest correct Lumiku Pose webhook receiver:
 * - reads the raw body (a re-serialised JSON object would not verify),
 * - checks it with the SDK's `webhooks.verify` before trusting anything in it,
 * - dedupes on `webhook-id` (delivery is at least once: retries and replays repeat the id),
 * - answers 204 at once and does the work afterwards, well inside the sender's 15 s timeout.
 *
 *   LUMIKU_API_KEY=lk_test_... LUMIKU_WEBHOOK_SECRET=whsec_... npm start -w examples/webhook-receiver
 */
import { createServer, type IncomingMessage } from 'node:http';
import { Lumiku, WebhookVerificationError } from '@lumiku/pose-sdk';
import { config } from './config.js';
import { handleEvent, type LumikuEvent } from './handle-event.js';
import { SeenIds } from './seen-ids.js';

/** Events are a few hundred bytes; anything far larger is not one of ours. */
const MAX_BODY_BYTES = 256 * 1024;

class BodyTooLargeError extends Error {}

// LUMIKU_API_KEY (for the follow-up calls) and LUMIKU_BASE_URL come from the environment.
const lumiku = new Lumiku({ webhookSecret: config.webhookSecret });
const seen = new SeenIds();

async function readRawBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const server = createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== config.path) return void response.writeHead(404).end();
  readRawBody(request)
    .then(async (rawBody) => {
      await lumiku.webhooks.verify(rawBody, request.headers);
      const id = String(request.headers['webhook-id']);
      // Only verified ids are remembered, so a forged request cannot shadow a real one.
      const firstTime = seen.add(id);
      response.writeHead(204).end();
      if (!firstTime) return console.log(`duplicate ${id}: already handled, answered 204`);
      const event = JSON.parse(rawBody.toString('utf8')) as LumikuEvent;
      console.log(`verified ${event.type} ${id}`);
      // After the answer: a slow follow-up must not make the sender time out and retry.
      setImmediate(() => {
        handleEvent(lumiku, event).catch((error: unknown) => console.error(`handling ${id} failed:`, error));
      });
    })
    .catch((error: unknown) => {
      if (error instanceof WebhookVerificationError) {
        console.log(`rejected: ${error.message}`);
        return void response.writeHead(400).end();
      }
      if (error instanceof BodyTooLargeError) return void response.writeHead(413).end();
      console.error(error);
      response.writeHead(500).end();
    });
});

server.listen(config.port, config.host, () => {
  console.log(`webhook receiver on http://${config.host}:${config.port}${config.path}`);
});
process.once('SIGTERM', () => server.close());
process.once('SIGINT', () => server.close());
