import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import {
  assertDeliverableUrl,
  classifyAddress,
  isDeliverableAddress,
  WebhookDestinationError,
} from './webhook-address-policy.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Hostname to every address it resolves to (dns.lookup by default; tests inject their own). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** Opens the socket to an address that already passed the checks (net/tls by default; tests record attempts). */
export type Connector = (target: { address: string; port: number; tls: boolean; servername: string }) => Duplex;

export interface WebhookTransportOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  resolve?: Resolver;
  connect?: Connector;
}

export interface WebhookResponse {
  status: number;
  /** Seconds from a Retry-After header (delta or HTTP date), when the receiver sent one. */
  retryAfterSeconds: number | undefined;
}

const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

const systemConnector: Connector = ({ address, port, tls, servername }): Socket =>
  // The certificate is still checked against the hostname (servername), while the socket goes to the checked address.
  tls
    ? tlsConnect({ host: address, port, servername: isIP(servername) ? undefined : servername })
    : netConnect({ host: address, port });

/** Receivers are read for their status only; a body larger than this is not waited for. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Sends webhook requests with the SSRF checks on the address actually connected
 * to: the connection factory resolves the host itself, refuses the request if any
 * resolved address is not deliverable, and connects to the checked address, so a
 * DNS answer that changes between check and connect (rebinding) cannot slip
 * through. Redirects are never followed (node:http does not follow them), and
 * each request gets its own connection, so every delivery is checked again.
 */
export class WebhookTransport {
  private readonly resolve: Resolver;
  private readonly connect: Connector;

  constructor(private readonly options: WebhookTransportOptions) {
    this.resolve = options.resolve ?? systemResolver;
    this.connect = options.connect ?? systemConnector;
  }

  /** Registration-time check: URL rules, then every address the host resolves to now. */
  async assertDeliverable(rawUrl: string): Promise<void> {
    const url = assertDeliverableUrl(rawUrl, this.options.allowPrivate);
    await this.checkedAddress(url.hostname.replace(/^\[|\]$/g, ''));
  }

  post(rawUrl: string, headers: Record<string, string>, body: Buffer): Promise<WebhookResponse> {
    let url: URL;
    try {
      url = assertDeliverableUrl(rawUrl, this.options.allowPrivate);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const tls = url.protocol === 'https:';
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (tls ? 443 : 80));
    const createConnection = (_options: unknown, done: (error: Error | null, socket: Duplex) => void): undefined => {
      this.checkedAddress(hostname)
        .then((address) => this.connect({ address, port, tls, servername: hostname }))
        .then(
          (socket) => done(null, socket),
          (error: Error) => done(error, undefined as never),
        );
      return undefined;
    };
    return new Promise<WebhookResponse>((resolve, reject) => {
      const request = (tls ? https : http).request(url, {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(body.length),
          'user-agent': 'Lumiku-Webhooks/1',
        },
        createConnection,
      });
      const timer = setTimeout(
        () => request.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.on('response', (response) => {
        clearTimeout(timer);
        const retryAfter = response.headers['retry-after'];
        const answer = { status: response.statusCode ?? 0, retryAfterSeconds: parseRetryAfter(retryAfter) };
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) response.destroy();
        });
        response.on('close', () => resolve(answer));
        response.on('error', () => resolve(answer));
      });
      request.end(body);
    });
  }

  /** The address to connect to: every resolved address must be deliverable, not just the first. */
  private async checkedAddress(hostname: string): Promise<string> {
    const addresses = isIP(hostname)
      ? [{ address: hostname, family: isIP(hostname) }]
      : await this.resolve(hostname).catch((error: Error) => {
          throw new WebhookDestinationError(`${hostname} does not resolve (${error.message})`);
        });
    if (addresses.length === 0) throw new WebhookDestinationError(`${hostname} does not resolve`);
    const refused = addresses.find((entry) => !isDeliverableAddress(entry.address, this.options.allowPrivate));
    if (refused) {
      throw new WebhookDestinationError(
        `${hostname} resolves to a ${classifyAddress(refused.address)} address (${refused.address})`,
      );
    }
    return addresses[0].address;
  }
}
