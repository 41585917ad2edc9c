import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/predictions/abc`. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What the server does with one request. */
export type Reply =
  | {
      status: number;
      headers?: Record<string, string>;
      /** Objects are sent as JSON; strings and buffers as they are. */
      body?: unknown;
      /** Answer only after this long: a slow provider. */
      delayMs?: number;
    }
  /** Never answer: a provider that hangs until the client gives up. */
  | { hang: true }
  /** Drop the connection without an answer. */
  | { reset: true };

export type Handler = (request: RecordedRequest) => Reply;

export function jsonBody<T>(request: RecordedRequest): T {
  return JSON.parse(request.body.toString('utf8')) as T;
}

/**
 * A real HTTP server on 127.0.0.1 (port 0) that each adapter test teaches its provider's wire format through
 * a handler. It records every request, so tests assert on what went over the wire and how often.
 */
export class ProviderTestServer {
  readonly requests: RecordedRequest[] = [];
  private handler: Handler = () => ({ status: 500, body: { error: 'no handler set' } });
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: Server = createServer((incoming, response) => {
    void buffer(incoming).then((body) => {
      const request = { method: incoming.method ?? 'GET', path: incoming.url ?? '/', headers: incoming.headers, body };
      this.requests.push(request);
      this.reply(response, this.handler(request));
    });
  });

  private constructor() {}

  static async start(): Promise<ProviderTestServer> {
    const instance = new ProviderTestServer();
    await new Promise<void>((resolve) => instance.server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  /** The origin to configure as the provider's base URL, e.g. http://127.0.0.1:40123. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Replaces the handler and forgets earlier requests. */
  handle(handler: Handler): void {
    this.handler = handler;
    this.requests.length = 0;
  }

  requestsTo(method: string, pathPattern: RegExp): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && pathPattern.test(request.path));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private reply(response: ServerResponse, reply: Reply): void {
    if ('hang' in reply) return;
    if ('reset' in reply) {
      response.socket?.destroy();
      return;
    }
    const send = () => {
      const isJson = reply.body !== undefined && !Buffer.isBuffer(reply.body) && typeof reply.body !== 'string';
      const payload = isJson ? JSON.stringify(reply.body) : ((reply.body as string | Buffer | undefined) ?? '');
      response
        .writeHead(reply.status, { ...(isJson ? { 'content-type': 'application/json' } : {}), ...reply.headers })
        .end(payload);
    };
    if (!reply.delayMs) return send();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!response.destroyed) send();
    }, reply.delayMs);
    this.timers.add(timer);
  }
}
