import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { isIP, LookupFunction } from 'node:net';
import { forbiddenAddressReason } from './webhook-address';

export type ResolveAll = (hostname: string) => Promise<LookupAddress[]>;

const resolveAllWithDns: ResolveAll = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/** A target the service refuses to call (see forbiddenAddressReason). */
export class UnsafeWebhookTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeWebhookTargetError';
  }
}

/** The host did not resolve: possibly transient, so a delivery retries it. */
export class WebhookHostUnresolvedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookHostUnresolvedError';
  }
}

/** The host of a URL without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Parses a webhook target: http or https, a host, no credentials. Returns the reason it is not
 * acceptable instead of a URL when it is not.
 */
export function parseWebhookUrl(raw: string): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return 'url must use http or https';
  }
  if (!url.hostname) return 'url must name a host';
  if (url.username || url.password) return 'url must not contain credentials';
  return url;
}

/**
 * Resolves every address of the host (as the connection would) and refuses the target when any
 * of them is private, loopback, link-local, metadata…: one bad address is enough for a DNS
 * answer to steer a request inside.
 */
export async function assertPublicHost(
  host: string,
  resolveAll: ResolveAll = resolveAllWithDns,
): Promise<void> {
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await resolveAll(host)).map((entry) => entry.address);
    } catch (error) {
      throw new WebhookHostUnresolvedError(
        `host ${host} does not resolve (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (addresses.length === 0)
      throw new WebhookHostUnresolvedError(`host ${host} does not resolve`);
  }
  for (const address of addresses) {
    const reason = forbiddenAddressReason(address);
    if (reason !== null) {
      throw new UnsafeWebhookTargetError(
        `host ${host} resolves to ${address}, ${reason}; webhooks only call public addresses`,
      );
    }
  }
}

/**
 * A `lookup` for http(s).request that checks the addresses the socket will actually connect to,
 * so a DNS answer that changes between the check and the connection cannot slip through.
 */
export function guardedLookup(resolveAll: ResolveAll = resolveAllWithDns): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname)
      .then((entries) => {
        for (const entry of entries) {
          const reason = forbiddenAddressReason(entry.address);
          if (reason !== null) {
            throw new UnsafeWebhookTargetError(
              `host ${hostname} resolves to ${entry.address}, ${reason}; webhooks only call public addresses`,
            );
          }
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = entries.filter((entry) => wanted === 0 || entry.family === wanted);
        if (usable.length === 0) {
          throw new WebhookHostUnresolvedError(`host ${hostname} does not resolve`);
        }
        if (options.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
}
