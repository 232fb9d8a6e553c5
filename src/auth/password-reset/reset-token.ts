import { createHmac } from 'node:crypto';

/** How long a reset link works. */
export const RESET_TOKEN_TTL_MS = 30 * 60_000;

/**
 * The reset token of a forgot-password request: HMAC-SHA256 of the request id under a key
 * derived from JWT_SECRET, 256 bits, URL-safe. Deterministic, so the email job can be retried
 * (or redelivered) and send the very same link, while neither the queue (which holds only the
 * request id) nor the database (which holds only the token's SHA-256) holds a usable token.
 */
export function resetTokenFor(key: Buffer, requestId: string): string {
  return createHmac('sha256', key).update(requestId, 'utf8').digest('base64url');
}

/** `${PUBLIC_APP_URL}/reset-password?token=…`: the front end's page that posts the reset. */
export function resetLink(publicAppUrl: string, token: string): string {
  return `${publicAppUrl}/reset-password?token=${encodeURIComponent(token)}`;
}
