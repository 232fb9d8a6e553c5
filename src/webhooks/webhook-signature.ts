import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a receiver lets `webhook-timestamp` stray from its clock (Standard Webhooks' 5 min). */
export const WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/** `X-Webhook-Signature`: `sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>`. */
export function signWebhookBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** What a receiver does: recompute and compare in constant time. */
export function verifyWebhookSignature(
  secret: string,
  body: string | Buffer,
  signature: string,
): boolean {
  return constantTimeEqual(signWebhookBody(secret, body), signature);
}

/**
 * Standard Webhooks `webhook-signature`: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.
 * The key is the secret's own bytes (as for `X-Webhook-Signature`), not the base64 key that the
 * spec's `whsec_` secrets carry: the Standard Webhooks libraries take it in their raw format.
 */
export function signStandardWebhook(
  secret: string,
  id: string,
  timestamp: number,
  body: string | Buffer,
): string {
  const mac = createHmac('sha256', secret).update(`${id}.${timestamp}.`).update(body);
  return `v1,${mac.digest('base64')}`;
}

/** The signature headers of one delivery attempt made at `nowMs`. */
export function webhookSignatureHeaders(
  secret: string,
  deliveryId: string,
  body: string,
  nowMs: number,
): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'X-Webhook-Signature': signWebhookBody(secret, body),
    'webhook-id': deliveryId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signStandardWebhook(secret, deliveryId, timestamp, body),
  };
}

export interface StandardWebhookHeaders {
  id: string;
  timestamp: string;
  /** One or more space-separated `v<n>,<signature>` entries. */
  signature: string;
}

/**
 * What a receiver does with the Standard Webhooks headers: refuse a timestamp more than the
 * tolerance away from its own clock (a replayed old delivery), then accept when any `v1`
 * entry equals the recomputed signature (compared in constant time).
 */
export function verifyStandardWebhook(
  secret: string,
  body: string | Buffer,
  headers: StandardWebhookHeaders,
  nowMs: number,
  toleranceSeconds = WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS,
): boolean {
  if (!/^\d{1,15}$/.test(headers.timestamp)) return false;
  const timestamp = Number(headers.timestamp);
  if (Math.abs(Math.floor(nowMs / 1000) - timestamp) > toleranceSeconds) return false;
  const expected = signStandardWebhook(secret, headers.id, timestamp, body);
  return headers.signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .some((entry) => constantTimeEqual(expected, entry));
}

function constantTimeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
