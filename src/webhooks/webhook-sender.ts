import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

export interface WebhookPost {
  url: URL;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Resolves the host for the connection; see guardedLookup. */
  lookup?: LookupFunction;
}

/**
 * POSTs the body once and resolves with the response status (redirects are not followed: a
 * 3xx is an answer like any other). Rejects on a network error or when no answer arrives
 * within the timeout. node:http rather than fetch, because it takes a `lookup` that vets the
 * addresses actually connected to.
 */
export function postWebhook({
  url,
  body,
  headers,
  timeoutMs,
  lookup,
}: WebhookPost): Promise<number> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        signal: AbortSignal.timeout(timeoutMs),
        agent: false,
        ...(lookup ? { lookup } : {}),
      },
      (res) => {
        // Only the status matters; the receiver's body is dropped with the connection.
        resolve(res.statusCode ?? 0);
        res.destroy();
      },
    );
    req.on('error', (error: Error) =>
      reject(error.name === 'AbortError' ? new Error(`no answer within ${timeoutMs} ms`) : error),
    );
    req.end(body);
  });
}
