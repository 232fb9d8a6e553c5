import type { LookupAddress, LookupOptions } from 'node:dns';
import {
  assertPublicHost,
  guardedLookup,
  parseWebhookUrl,
  UnsafeWebhookTargetError,
  WebhookHostUnresolvedError,
} from './webhook-target';

function resolver(addresses: string[]): (host: string) => Promise<LookupAddress[]> {
  const resolveAll = jest.fn((_host: string) =>
    Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    ),
  );
  return resolveAll;
}

describe(assertPublicHost.name, () => {
  it('should accept a host whose every address is public', async () => {
    const resolveAll = resolver(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']);
    await expect(assertPublicHost('example.com', resolveAll)).resolves.toBeUndefined();
    expect(resolveAll).toHaveBeenCalledWith('example.com');
  });

  it('should refuse a host with any private address among public ones', async () => {
    await expect(
      assertPublicHost('mixed.example', resolver(['93.184.216.34', '10.0.0.7'])),
    ).rejects.toThrow(
      new UnsafeWebhookTargetError(
        'host mixed.example resolves to 10.0.0.7, a private address; webhooks only call public addresses',
      ),
    );
  });

  it('should check IP literals without resolving them', async () => {
    const resolveAll = resolver([]);
    await expect(assertPublicHost('::ffff:127.0.0.1', resolveAll)).rejects.toThrow(/loopback/);
    expect(resolveAll).not.toHaveBeenCalled();
  });

  it('should report a host that does not resolve as such', async () => {
    const failing = jest.fn(() => Promise.reject(new Error('ENOTFOUND')));
    await expect(assertPublicHost('nowhere.invalid', failing)).rejects.toBeInstanceOf(
      WebhookHostUnresolvedError,
    );
  });
});

describe(parseWebhookUrl.name, () => {
  it('should accept http and https URLs', () => {
    expect(parseWebhookUrl('https://example.com/hook?x=1')).toBeInstanceOf(URL);
    expect(parseWebhookUrl('http://example.com:8080/')).toBeInstanceOf(URL);
  });

  it('should refuse other schemes, credentials and garbage', () => {
    expect(parseWebhookUrl('ftp://example.com/')).toBe('url must use http or https');
    expect(parseWebhookUrl('file:///etc/passwd')).toBe('url must use http or https');
    expect(parseWebhookUrl('https://user:pw@example.com/')).toBe(
      'url must not contain credentials',
    );
    expect(parseWebhookUrl('not a url')).toBe('url must be an absolute http or https URL');
  });
});

describe(guardedLookup.name, () => {
  function lookUp(
    addresses: string[],
    options: LookupOptions,
  ): Promise<{ error: NodeJS.ErrnoException | null; result: unknown; family?: number }> {
    return new Promise((resolve) =>
      guardedLookup(resolver(addresses))('hook.example', options, (error, result, family) =>
        resolve({ error, result, family }),
      ),
    );
  }

  it('should hand the connection the public addresses, one or all as asked', async () => {
    await expect(lookUp(['93.184.216.34'], {})).resolves.toEqual({
      error: null,
      result: '93.184.216.34',
      family: 4,
    });
    await expect(lookUp(['93.184.216.34', '2606:4700::1'], { all: true })).resolves.toEqual({
      error: null,
      result: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700::1', family: 6 },
      ],
      family: undefined,
    });
  });

  it('should fail the connection when any address is not public', async () => {
    const { error } = await lookUp(['93.184.216.34', '::ffff:169.254.169.254'], { all: true });
    expect(error).toBeInstanceOf(UnsafeWebhookTargetError);
    expect(error?.message).toContain('cloud metadata');
  });
});
