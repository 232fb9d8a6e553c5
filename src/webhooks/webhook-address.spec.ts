import { forbiddenAddressReason } from './webhook-address';

describe(forbiddenAddressReason.name, () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.10.10', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fd00:ec2::254', 'metadata'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::FFFF:192.168.0.1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:a00:1::', 'private'],
    ['[::1]', 'loopback'],
  ])('should refuse %s (%s)', (address, kind) => {
    expect(forbiddenAddressReason(address)).toContain(kind);
  });

  // Special-purpose ranges that ipaddr.js's classification adds to the ones above.
  it.each([
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.7', 'documentation'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.254', 'reserved'],
    ['192.88.99.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.175.48.1', 'AS112'],
    ['192.31.196.1', 'AS112'],
    ['192.52.193.1', 'AMT'],
    ['::2', 'IPv4-compatible'],
    ['::808:808', 'IPv4-compatible'],
    ['100::1', 'discard'],
    ['fec0::1', 'site-local'],
    ['2001::1', 'Teredo'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001:2::1', 'benchmarking'],
    ['2001:3::1', 'AMT'],
    ['2001:4:112::1', 'AS112'],
    ['2620:4f:8000::1', 'AS112'],
    ['2001:10::1', 'ORCHID'],
    ['2001:20::1', 'ORCHID'],
    ['2001:30::1', 'drone remote ID'],
    ['5f00::1', 'segment routing'],
    ['64:ff9b:1::a00:1', 'local-use NAT64'],
    ['64:ff9b::192.0.2.1', 'documentation'],
    ['::ffff:0:10.0.0.1', 'private'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['2002:a9fe:a9fe::', 'metadata'],
  ])('should refuse the special-purpose address %s (%s)', (address, kind) => {
    expect(forbiddenAddressReason(address)).toContain(kind);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '169.255.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '::ffff:0:8.8.8.8',
    '2002:808:808::1',
    '192.0.3.1',
    '192.88.100.1',
    '2001:200::1',
    '2620:4f:8001::1',
  ])('should allow the public address %s', (address) => {
    expect(forbiddenAddressReason(address)).toBeNull();
  });

  it('should refuse what is not an IP address', () => {
    expect(forbiddenAddressReason('localhost')).toBe('not an IP address');
    expect(forbiddenAddressReason('999.1.1.1')).toBe('not an IP address');
    expect(forbiddenAddressReason('127.1')).toBe('not an IP address');
    expect(forbiddenAddressReason('0x7f.0.0.1')).toBe('not an IP address');
    expect(forbiddenAddressReason('2130706433')).toBe('not an IP address');
    expect(forbiddenAddressReason('1::2::3')).toBe('not an IP address');
  });
});
