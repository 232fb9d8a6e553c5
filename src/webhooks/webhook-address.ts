import { isIP } from 'node:net';

/** IPv4 ranges a webhook must never reach: [network, prefix length, why]. */
const IPV4_BLOCKED: ReadonlyArray<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** IPv6 ranges a webhook must never reach (IPv4-embedding ones are decided by their IPv4). */
const IPV6_BLOCKED: ReadonlyArray<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'IPv4-compatible'],
  ['100::', 64, 'discard'],
  ['2001::', 32, 'Teredo'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

/** Cloud metadata endpoints, named as such in the refusal. */
const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254']);

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function ipv4FromNumber(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** The 128-bit value of an IPv6 address (any valid spelling, with or without a dotted tail). */
function ipv6ToBigInt(address: string): bigint {
  let text = address.split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4ToNumber(dotted[1]);
    text =
      text.slice(0, -dotted[1].length) +
      `${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const groups = [
    ...headParts,
    ...Array<string>(tail === undefined ? 0 : missing).fill('0'),
    ...tailParts,
  ];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group || '0', 16)), 0n);
}

function inV4(value: number, network: string, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  return Math.floor(value / size) === Math.floor(ipv4ToNumber(network) / size);
}

function inV6(value: bigint, network: string, prefix: number): boolean {
  const shift = BigInt(128 - prefix);
  return value >> shift === ipv6ToBigInt(network) >> shift;
}

function checkV4(address: string): string | null {
  if (METADATA.has(address)) return 'a cloud metadata address';
  const value = ipv4ToNumber(address);
  if (value === 0xffffffff) return 'a broadcast address';
  const hit = IPV4_BLOCKED.find(([network, prefix]) => inV4(value, network, prefix));
  return hit ? `a ${hit[2]} address` : null;
}

function checkV6(address: string): string | null {
  const value = ipv6ToBigInt(address);
  const low32 = Number(value & 0xffffffffn);
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach the embedded IPv4 address.
  if (inV6(value, '::ffff:0:0', 96) || inV6(value, '64:ff9b::', 96)) {
    return checkV4(ipv4FromNumber(low32));
  }
  // 6to4 (2002:a.b.c.d::/48) likewise.
  if (inV6(value, '2002::', 16))
    return checkV4(ipv4FromNumber(Number((value >> 80n) & 0xffffffffn)));
  if (value === ipv6ToBigInt('fd00:ec2::254')) return 'a cloud metadata address';
  const hit = IPV6_BLOCKED.find(([network, prefix]) => inV6(value, network, prefix));
  return hit ? `a ${hit[2]} address` : null;
}

/**
 * Why a webhook must not be sent to this IP address (private, loopback, link-local,
 * unique-local, carrier-grade NAT, multicast, unspecified, metadata…), or null when it is a
 * public address. Anything that is not an IP address at all is refused too.
 */
export function forbiddenAddressReason(address: string): string | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare.split('%')[0]);
  if (family === 4) return checkV4(bare);
  if (family === 6) return checkV6(bare.toLowerCase());
  return 'not an IP address';
}
