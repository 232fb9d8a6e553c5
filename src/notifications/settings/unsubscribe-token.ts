import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EmailedNotificationType } from './email-settings';
import { EMAIL_SETTING_OF, isEmailed } from './email-settings';
import type { NotificationType } from '../dto/notification-response.dto';

/** What an unsubscribe link turns off: one kind of email of one user. */
export interface UnsubscribeTarget {
  userId: number;
  type: EmailedNotificationType;
}

const SIGNATURE_LENGTH = 43;

function signature(key: Buffer, userId: number, type: string): string {
  return createHmac('sha256', key)
    .update(`unsubscribe:${userId}:${type}`, 'utf8')
    .digest('base64url');
}

/**
 * `<user id>.<notification type>.<HMAC-SHA256, base64url>`: readable, URL-safe, and unforgeable
 * without the key (derived from JWT_SECRET for this purpose only). It never expires: a
 * List-Unsubscribe link must keep working for as long as the email is kept.
 */
export function signUnsubscribeToken(key: Buffer, target: UnsubscribeTarget): string {
  return `${target.userId}.${target.type}.${signature(key, target.userId, target.type)}`;
}

/** The target of a token, or null when it is malformed or its signature does not match. */
export function verifyUnsubscribeToken(key: Buffer, token: string): UnsubscribeTarget | null {
  const match = /^([1-9]\d{0,9})\.([a-z_]{1,32})\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!match) return null;
  const [, id, type, given] = match;
  // Own keys only: `constructor` is "in" every object.
  if (!Object.prototype.hasOwnProperty.call(EMAIL_SETTING_OF, type)) return null;
  if (!isEmailed(type as NotificationType)) return null;
  const userId = Number(id);
  if (userId > 4294967295 || given.length !== SIGNATURE_LENGTH) return null;
  const expected = Buffer.from(signature(key, userId, type), 'utf8');
  if (!timingSafeEqual(expected, Buffer.from(given, 'utf8'))) return null;
  return { userId, type: type as EmailedNotificationType };
}
