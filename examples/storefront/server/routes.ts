import express, { type ErrorRequestHandler, type Request, type Router } from 'express';
import { LumikuError, WebhookVerificationError, type BodyOf } from '@lumiku/pose-sdk';
import type { Assets, ReceivedWebhook, Session } from '../shared/shop-api.js';
import { config } from './config.js';
import type { Shop } from './shop.js';

/** Uploads are capped at 20 MB by the API; refuse bigger ones here already. */
const rawImage = express.raw({ type: ['image/*', 'application/octet-stream'], limit: '20mb' });
const RECENT_WEBHOOKS = 50;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** The uploaded file as the page sent it: raw bytes, named by `?filename=`. */
function upload(request: Request) {
  if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw new BadUpload('Send the image as the body.');
  const filename = text(request.query.filename) ?? 'upload';
  // The API tells the image type from the bytes, so the body goes as it came.
  return { file: request.body, filename };
}

class BadUpload extends Error {}

/**
 * The page's API: everything that needs the secret key. The page itself calls Lumiku directly,
 * with a client token, for the pose library, quotes, generations and their event stream.
 */
export function shopRoutes(shop: Shop): Router {
  const router = express.Router();
  const { lumiku } = shop;
  const brandKitId = shop.brandKit.id;

  router.get('/api/session', async (_request, response) => {
    const { token, expiresAt } = await shop.mintClientToken();
    const session: Session = {
      clientToken: token,
      expiresAt,
      apiBaseUrl: config.apiBaseUrl,
      brandKitId,
      webhooks: shop.webhookEndpoint ? 'registered' : 'refused',
    };
    response.json(session);
  });

  router.get('/api/brand-kit', async (_request, response) => {
    response.json(await lumiku.brandKits.retrieve(brandKitId));
  });

  router.patch('/api/brand-kit', express.json(), async (request, response) => {
    // Only what the editor edits; the API validates the values.
    const { brandName, colors, tone, tagline } = request.body as BodyOf<'updateBrandKit'>;
    response.json(await lumiku.brandKits.update(brandKitId, { brandName, colors, tone, tagline }));
  });

  router.get('/api/assets', async (_request, response) => {
    const [avatars, products] = await Promise.all([
      lumiku.avatars.list({ brandKitId, limit: 50 }),
      lumiku.products.list({ brandKitId, limit: 50 }),
    ]);
    const assets: Assets = { avatars: avatars.data, products: products.data };
    response.json(assets);
  });

  router.post('/api/avatars', rawImage, async (request, response) => {
    const { file, filename } = upload(request);
    const name = text(request.query.name) ?? filename;
    response.status(201).json(await lumiku.avatars.create({ file, filename, brandKitId, name }));
  });

  router.post('/api/products', rawImage, async (request, response) => {
    const { file, filename } = upload(request);
    const name = text(request.query.name) ?? filename;
    response
      .status(201)
      .json(await lumiku.products.create({ file, filename, brandKitId, name, placement: 'hand-right' }));
  });

  router.post('/api/pose-templates/from-photo', rawImage, async (request, response) => {
    const { file, filename } = upload(request);
    const template = await lumiku.poseTemplates.fromPhoto(file, {
      filename,
      name: text(request.query.name),
      category: text(request.query.category),
    });
    response.status(201).json(template);
  });

  router.post('/api/generated-poses/:id/exports', express.json(), async (request, response) => {
    const { format } = request.body as BodyOf<'createPoseExport'>;
    response.status(201).json(await lumiku.generatedPoses.export(request.params.id, { format }));
  });

  router.get('/api/generations/:id/archive', async (request, response) => {
    const archive = await lumiku.generations.archive(request.params.id);
    response
      .type('application/zip')
      .attachment(`lumiku-${request.params.id}.zip`)
      .send(Buffer.from(await archive.arrayBuffer()));
  });

  const received: ReceivedWebhook[] = [];
  router.get('/api/webhooks', (_request, response) => {
    response.json(received);
  });

  // Raw body: the signature covers the bytes as sent, not a re-serialised object.
  router.post(
    '/webhooks/lumiku',
    express.raw({ type: 'application/json', limit: '256kb' }),
    async (request, response) => {
      const endpoint = shop.webhookEndpoint;
      if (!endpoint) return void response.sendStatus(404);
      const event = await lumiku.webhooks.unwrap<{
        type: string;
        data: { generation?: { id: string; status: string } };
      }>(request.body as Buffer, request.headers, endpoint.secret);
      // Retries and replays repeat `webhook-id` (the event's id): answer 2xx again, record it once.
      const id = request.get('webhook-id')!;
      if (!received.some((entry) => entry.id === id)) {
        received.unshift({
          id,
          type: event.type,
          receivedAt: new Date().toISOString(),
          generationId: event.data.generation?.id,
          status: event.data.generation?.status,
        });
        received.length = Math.min(received.length, RECENT_WEBHOOKS);
      }
      response.sendStatus(204);
    },
  );

  return router;
}

/** API errors keep their status and problem body, so the page sees `no_person_found` and the like. */
export const sendErrors: ErrorRequestHandler = (error: unknown, _request, response, _next) => {
  if (error instanceof WebhookVerificationError || error instanceof BadUpload) {
    return void response.status(400).json({ status: 400, detail: error.message });
  }
  if (error instanceof LumikuError && error.status) {
    return void response.status(error.status).json(error.problem ?? { status: error.status, detail: error.message });
  }
  console.error(error);
  response.status(500).json({ status: 500, detail: 'The storefront server failed; see its log.' });
};
