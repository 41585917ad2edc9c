import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ApiResponse, TestApp } from '../support/test-app.js';

export interface UploadFile {
  data: Buffer;
  /** What the client claims; the server must not believe it. */
  type: string;
  filename: string;
}

/** Sends multipart/form-data as a browser or the SDK would: text fields plus one file part. */
export async function upload<T = any>(
  t: TestApp,
  method: 'POST' | 'PUT',
  urlPath: string,
  apiKey: string,
  fields: Record<string, string>,
  file: UploadFile | undefined,
): Promise<ApiResponse<T>> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append('file', new Blob([new Uint8Array(file.data)], { type: file.type }), file.filename);
  const response = await fetch(t.baseUrl + urlPath, {
    method,
    headers: { authorization: `Bearer ${apiKey}` },
    body: form,
  });
  const text = await response.text();
  const body = ((response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text) as T;
  return { status: response.status, headers: response.headers, body };
}

/** Every file under DATA_DIR/objects: what local object storage holds right now. */
export async function storedFiles(t: TestApp): Promise<string[]> {
  const root = path.join(t.config.dataDir, 'objects');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Fetches a signed file URL with no credentials at all, as an `<img src>` would. */
export async function fetchWithoutKey(url: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: Buffer.from(await response.arrayBuffer()),
  };
}
