import { createHmac, timingSafeEqual } from 'node:crypto';

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
  const expected = Buffer.from(signWebhookBody(secret, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
