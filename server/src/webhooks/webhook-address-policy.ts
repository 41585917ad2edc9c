import { BlockList, isIP } from 'node:net';

/** What an IP address is, for deciding whether a webhook may be delivered to it. */
export type AddressClass =
  'public' | 'loopback' | 'private' | 'carrier-grade-nat' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

function ranges(ipv4: string[], ipv6: string[]): BlockList {
  const list = new BlockList();
  for (const range of ipv4) list.addSubnet(range.split('/')[0], Number(range.split('/')[1]), 'ipv4');
  for (const range of ipv6) list.addSubnet(range.split('/')[0], Number(range.split('/')[1]), 'ipv6');
  return list;
}

/** Checked in this order; anything unmatched is public. */
const CLASS_RANGES: Array<[AddressClass, BlockList]> = [
  ['unspecified', ranges(['0.0.0.0/8'], ['::/128'])],
  ['loopback', ranges(['127.0.0.0/8'], ['::1/128'])],
  ['private', ranges(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], ['fc00::/7'])],
  ['carrier-grade-nat', ranges(['100.64.0.0/10'], [])],
  // 169.254.169.254 is the cloud metadata service: never reachable, whatever the settings.
  ['link-local', ranges(['169.254.0.0/16'], ['fe80::/10'])],
  ['multicast', ranges(['224.0.0.0/4'], ['ff00::/8'])],
  [
    'reserved',
    ranges(
      ['192.0.0.0/24', '192.0.2.0/24', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '240.0.0.0/4'],
      ['2001:db8::/32', '100::/64'],
    ),
  ],
];

/** IPv6 forms that carry an IPv4 address inside: IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d). */
const EMBEDDED_IPV4 = ranges([], ['::ffff:0:0/96', '64:ff9b::/96']);

function embeddedIpv4(address: string): string | undefined {
  if (!EMBEDDED_IPV4.check(address, 'ipv6')) return undefined;
  const groups = expandIpv6(address).slice(6);
  return [groups[0] >> 8, groups[0] & 0xff, groups[1] >> 8, groups[1] & 0xff].join('.');
}

/** The eight 16-bit groups of an IPv6 address, including a dotted IPv4 tail. */
function expandIpv6(address: string): number[] {
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) => parseInt(group, 16));
}

/** Classifies an IP literal (v4 or v6, brackets allowed); throws for anything that is not an address. */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) throw new Error(`not an IP address: ${address}`);
  if (family === 6) {
    const inner = embeddedIpv4(bare);
    if (inner) return classifyAddress(inner);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return CLASS_RANGES.find(([, list]) => list.check(bare, type))?.[0] ?? 'public';
}

/** Classes WEBHOOK_ALLOW_PRIVATE opens, for local development and tests; link-local and the rest stay closed. */
const DEVELOPMENT_CLASSES: ReadonlySet<AddressClass> = new Set(['loopback', 'private', 'carrier-grade-nat']);

export function isDeliverableAddress(address: string, allowPrivate: boolean): boolean {
  const addressClass = classifyAddress(address);
  return addressClass === 'public' || (allowPrivate && DEVELOPMENT_CLASSES.has(addressClass));
}

export class WebhookDestinationError extends Error {
  override readonly name = 'WebhookDestinationError';
}

/**
 * The checks a URL can pass without DNS: https (or http when allowed), no
 * credentials, and an IP-literal host must be deliverable. Hostnames are checked
 * again on the address actually connected to (webhook-transport.ts).
 */
export function assertDeliverableUrl(rawUrl: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new WebhookDestinationError('the URL is not valid');
  }
  const schemes = allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol))
    throw new WebhookDestinationError(`the URL must use ${allowPrivate ? 'http(s)' : 'https'}`);
  if (url.username || url.password) throw new WebhookDestinationError('the URL must not carry credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !isDeliverableAddress(host, allowPrivate)) {
    throw new WebhookDestinationError(`the URL points at a ${classifyAddress(host)} address`);
  }
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) {
    throw new WebhookDestinationError('the URL points at a loopback address');
  }
  return url;
}
