import { hkdfSync } from 'node:crypto';

/**
 * A key for one purpose derived from a master secret (HKDF-SHA256), so one configured secret
 * (JWT_SECRET) can key several HMACs without a signature made for one purpose (an unsubscribe
 * link) ever being valid for another (an access token, a reset token).
 */
export function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), `task-service:${purpose}`, 32),
  );
}
