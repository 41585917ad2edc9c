/** Calls to the storefront's own server, which holds the secret key. */
import type { Avatar, BrandKit, GeneratedPose, PoseTemplate, Product, Schemas } from '@lumiku/pose-sdk';
import type { Assets, ReceivedWebhook, Session } from '../../shared/shop-api';

/** An answer other than 2xx, carrying the problem body's `code` when there is one. */
export class ShopError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, init);
  const body = (await response.json().catch(() => undefined)) as { detail?: string; code?: string } | undefined;
  if (!response.ok) throw new ShopError(response.status, body?.code, body?.detail ?? response.statusText);
  return body as T;
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Files go up as raw bytes, named in the query. */
const upload = <T>(path: string, file: File, query: Record<string, string> = {}) =>
  request<T>(`${path}?${new URLSearchParams({ filename: file.name, ...query })}`, {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });

export const shopApi = {
  session: () => request<Session>('/api/session'),
  brandKit: () => request<BrandKit>('/api/brand-kit'),
  saveBrandKit: (changes: Pick<BrandKit, 'brandName' | 'colors'> & { tone?: string }) =>
    request<BrandKit>('/api/brand-kit', json('PATCH', changes)),
  assets: () => request<Assets>('/api/assets'),
  uploadAvatar: (file: File) => upload<Avatar>('/api/avatars', file),
  uploadProduct: (file: File) => upload<Product>('/api/products', file),
  poseFromPhoto: (file: File) => upload<PoseTemplate>('/api/pose-templates/from-photo', file),
  exportPose: (pose: GeneratedPose, format: Schemas['ExportFormat']) =>
    request<Schemas['PoseExportDto']>(`/api/generated-poses/${pose.id}/exports`, json('POST', { format })),
  archiveUrl: (generationId: string) => `/api/generations/${generationId}/archive`,
  webhooks: () => request<ReceivedWebhook[]>('/api/webhooks'),
};
