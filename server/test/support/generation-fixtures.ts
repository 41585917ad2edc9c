import sharp from 'sharp';
import { upload } from '../media/multipart-upload.js';
import type { TestApp } from './test-app.js';

export interface Merchant {
  apiKey: string;
  userId: string;
  brandKitId: string;
  avatarId: string;
  productId: string;
}

/** A user with a brand kit, an avatar and a product photographed on white: what a generation needs. */
export async function createMerchant(t: TestApp): Promise<Merchant> {
  const user = await t.createUser();
  const kit = await t.request('POST', '/v1/brand-kits', {
    key: user.apiKey,
    body: { brandName: 'Glow Lab', colors: ['#F4B6C2', '#1B1B1B'], tone: 'calm' },
  });
  const avatarImage = await sharp({ create: { width: 300, height: 450, channels: 3, background: '#c08a6a' } })
    .jpeg()
    .toBuffer();
  const productImage = await sharp({ create: { width: 240, height: 240, channels: 3, background: '#ffffff' } })
    .composite([
      { input: { create: { width: 80, height: 150, channels: 3, background: '#2050c0' } }, left: 80, top: 45 },
    ])
    .png()
    .toBuffer();
  const avatar = await upload(
    t,
    'POST',
    '/v1/avatars',
    user.apiKey,
    { brandKitId: kit.body.id, name: 'Model', gender: 'female', ageRange: '25-34' },
    { data: avatarImage, type: 'image/jpeg', filename: 'model.jpg' },
  );
  const product = await upload(
    t,
    'POST',
    '/v1/products',
    user.apiKey,
    { brandKitId: kit.body.id, name: 'Hydra Serum', category: 'skincare', placement: 'hand-right' },
    { data: productImage, type: 'image/png', filename: 'serum.png' },
  );
  if (avatar.status !== 201 || product.status !== 201) {
    throw new Error(`merchant setup failed: avatar ${avatar.status}, product ${product.status}`);
  }
  return {
    apiKey: user.apiKey,
    userId: user.id,
    brandKitId: kit.body.id,
    avatarId: avatar.body.id,
    productId: product.body.id,
  };
}

export interface ServerSentEvent {
  event: string;
  data: any;
}

/** Reads an SSE stream to its end (the server closes it after `completed`). */
export async function readEventStream(url: string, apiKey: string): Promise<ServerSentEvent[]> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' } });
  if (response.status !== 200) throw new Error(`event stream answered ${response.status}`);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6);
      return { event, data: data ? JSON.parse(data) : undefined };
    });
}
