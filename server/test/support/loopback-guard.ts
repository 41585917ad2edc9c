import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

/**
 * Keeps every test on this machine: a socket to an address outside loopback, or a name look-up of anything
 * but `localhost`, fails before a packet is sent. jest.config.js preloads it for every suite (setupFiles), so
 * a hosted call that a test forgot to point at 127.0.0.1 fails the test instead of leaving the machine.
 */
export class LoopbackGuardError extends Error {
  readonly code = 'ELOOPBACKGUARD';
  constructor(target: string) {
    super(`loopback guard: refused ${target}; tests talk to 127.0.0.1 or ::1 only`);
    this.name = 'LoopbackGuardError';
  }
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const ipv4 = bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  return net.isIPv4(ipv4) && ipv4.startsWith('127.');
}

/** The host a `socket.connect(...)` call aims at, or undefined for a Unix socket path. */
function connectTarget(args: unknown[]): string | undefined {
  const [first, second] = args;
  // net.connect() hands its already-normalised [options, callback] pair on as one array.
  if (Array.isArray(first)) return connectTarget(first);
  if (typeof first === 'object' && first !== null) {
    const options = first as { path?: string; host?: string };
    return options.path ? undefined : (options.host ?? 'localhost');
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined; // a path
  return typeof second === 'string' ? second : 'localhost';
}

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket;
type Lookup = (hostname: string, ...rest: unknown[]) => unknown;

export interface GuardTargets {
  socket: { connect: Connect };
  dns: { lookup: Lookup; promises: { lookup: (hostname: string, ...rest: unknown[]) => Promise<unknown> } };
}

/**
 * Wraps `connect` and `lookup` on the given objects so they refuse non-loopback targets, recording each
 * refusal in `refused`.
 */
export function installLoopbackGuard(targets: GuardTargets, refused: string[]): void {
  const refuse = (target: string) => {
    refused.push(target);
    return new LoopbackGuardError(target);
  };
  const connect = targets.socket.connect;
  targets.socket.connect = function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
    const host = connectTarget(args);
    if (host === undefined || isLoopbackHost(host)) return connect.apply(this, args);
    const error = refuse(`a connection to ${host}`);
    // Fail the way a refused connection fails (an 'error' event), so clients report it instead of hanging.
    process.nextTick(() => this.destroy(error));
    return this;
  };

  const lookup = targets.dns.lookup;
  targets.dns.lookup = function guardedLookup(hostname: string, ...rest: unknown[]): unknown {
    if (isLoopbackHost(hostname)) return lookup.call(dns, hostname, ...rest);
    const error = refuse(`a look-up of ${hostname}`);
    const callback = rest.at(-1);
    if (typeof callback === 'function') process.nextTick(() => callback(error));
    return undefined;
  };
  const lookupPromise = targets.dns.promises.lookup;
  targets.dns.promises.lookup = (hostname: string, ...rest: unknown[]) =>
    isLoopbackHost(hostname)
      ? lookupPromise.call(dns.promises, hostname, ...rest)
      : Promise.reject(refuse(`a look-up of ${hostname}`));
}

const GUARDED = Symbol.for('lumiku.loopbackGuard');
// Jest runs setupFiles once per suite in a worker that outlives it, each in a fresh context around the same
// built-in modules: the refusal log lives on the built-in itself, which is wrapped once per process.
const guardState = net as unknown as Record<symbol, string[] | undefined>;

/** Every target the process-wide guard refused so far, oldest first. */
export function refusedByGuard(): readonly string[] {
  return guardState[GUARDED] ?? [];
}

if (!guardState[GUARDED]) {
  const refused: string[] = [];
  guardState[GUARDED] = refused;
  installLoopbackGuard(
    {
      socket: net.Socket.prototype as unknown as GuardTargets['socket'],
      dns: dns as unknown as GuardTargets['dns'],
    },
    refused,
  );
  syncBuiltinESMExports();
}
