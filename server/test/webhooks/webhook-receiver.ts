import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  rawBody: Buffer;
  receivedAt: number;
}

/** How a path answers its n-th request (0-based). */
export type Responder = (response: ServerResponse, requestIndex: number) => void;

export interface WebhookReceiver {
  url(path: string): string;
  /** Requests so far, per path in arrival order. */
  received(path: string): ReceivedWebhook[];
  respond(path: string, responder: Responder): void;
  /** Resolves once `path` has received `count` requests. */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
  );
}

/** A real HTTP receiver on 127.0.0.1 that records raw bodies; paths answer 200 unless told otherwise. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const log: ReceivedWebhook[] = [];
  const responders = new Map<string, Responder>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const index = log.filter((entry) => entry.path === path).length;
      log.push({ path, headers: flatHeaders(request.headers), rawBody: Buffer.concat(chunks), receivedAt: Date.now() });
      (responders.get(path) ?? ((res: ServerResponse) => res.writeHead(200).end('ok')))(response, index);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const received = (path: string) => log.filter((entry) => entry.path === path);
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    respond: (path, responder) => responders.set(path, responder),
    async waitFor(path, count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received(path).length < count) {
        if (Date.now() > deadline) throw new Error(`${path} received ${received(path).length} of ${count} webhooks`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return received(path);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
