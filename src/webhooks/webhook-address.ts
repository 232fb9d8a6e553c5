import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

/**
 * How a refusal names each special-purpose range of ipaddr.js's `range()` (IANA's IPv4 and
 * IPv6 special-purpose registries). Every range but `unicast` is refused; one missing here
 * (a newer ipaddr.js) is refused under its own name.
 */
const RANGE_NAMES: Readonly<Record<string, string>> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  reserved: 'reserved or documentation',
  benchmarking: 'benchmarking',
  as112: 'AS112 DNS sink',
  as112v6: 'AS112 DNS sink',
  amt: 'AMT relay',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'site-local',
  discard: 'discard',
  teredo: 'Teredo',
  deprecatedOrchid: 'ORCHID',
  orchid2: 'ORCHID',
  droneRemoteIdProtocolEntityTags: 'drone remote ID',
  segmentRouting: 'segment routing',
};

/** IPv4-compatible IPv6 (deprecated by RFC 4291), which ipaddr.js classifies as unicast. */
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');
/** NAT64's well-known prefix: the IPv4 address is the last 32 bits (RFC 6052). */
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/** Cloud metadata endpoints, named as such in the refusal. */
const METADATA = new Set(
  ['169.254.169.254', 'fd00:ec2::254'].map((a) => ipaddr.parse(a).toNormalizedString()),
);

function named(range: string): string {
  return `a ${RANGE_NAMES[range] ?? range} address`;
}

function checkV4(address: ipaddr.IPv4): string | null {
  if (METADATA.has(address.toNormalizedString())) return 'a cloud metadata address';
  const range = address.range();
  return range === 'unicast' ? null : named(range);
}

/** The IPv4 address in the given 16-bit groups of an IPv6 address. */
function embeddedV4(address: ipaddr.IPv6, high: number): ipaddr.IPv4 {
  const [a, b] = [address.parts[high], address.parts[high + 1]];
  return new ipaddr.IPv4([a >> 8, a & 0xff, b >> 8, b & 0xff]);
}

function checkV6(address: ipaddr.IPv6): string | null {
  if (METADATA.has(address.toNormalizedString())) return 'a cloud metadata address';
  const range = address.range();
  switch (range) {
    // These reach the embedded IPv4 address, so it decides: IPv4-mapped, IPv4-translated.
    case 'ipv4Mapped':
    case 'rfc6145':
      return checkV4(embeddedV4(address, 6));
    case 'rfc6052':
      // The well-known NAT64 prefix reaches public IPv4; the local-use one is a private network.
      return address.match(NAT64_WELL_KNOWN)
        ? checkV4(embeddedV4(address, 6))
        : 'a local-use NAT64 address';
    case '6to4':
      return checkV4(embeddedV4(address, 1));
    case 'unicast':
      return address.match(IPV4_COMPATIBLE) ? 'an IPv4-compatible address' : null;
    default:
      return named(range);
  }
}

/**
 * Why a webhook must not be sent to this IP address (private, loopback, link-local,
 * unique-local, carrier-grade NAT, multicast, unspecified, metadata…), or null when it is a
 * public address. Anything that is not an IP address at all is refused too.
 */
export function forbiddenAddressReason(address: string): string | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const ip = bare.split('%')[0];
  // node:net first: ipaddr.js also parses legacy spellings (`0x7f.1`, `127.1`) DNS never returns.
  const family = isIP(ip);
  if (family === 4) return checkV4(ipaddr.IPv4.parse(ip));
  if (family === 6) return checkV6(ipaddr.IPv6.parse(ip));
  return 'not an IP address';
}
