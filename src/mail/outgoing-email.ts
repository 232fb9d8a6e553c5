import { createHash } from 'node:crypto';

/**
 * What makes an email unique: one per kind, source and recipient. A redelivered event, a
 * retried job or a second relay never makes a second row for the same key.
 */
export interface EmailKey {
  /** `password_reset`, or a notification type. At most 32 ASCII characters. */
  kind: string;
  /** The id of what caused it (a notification id, a request id). At most 64 ASCII characters. */
  sourceId: string;
  /** The recipient's address. */
  recipient: string;
}

/** A rendered email: both parts always, and the one-click unsubscribe URL of notifications. */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
  /** RFC 8058: sent as `List-Unsubscribe: <url>` with `List-Unsubscribe-Post`. */
  unsubscribeUrl?: string;
}

export interface OutgoingEmail extends EmailKey {
  content: EmailContent;
}

/**
 * The Message-ID of an email, derived from its key: every attempt of one email carries the same
 * id, so a receiver that got it twice (a crash between the SMTP server's acceptance and the
 * mark) can tell it is the same message. The recipient is hashed: ids travel in replies.
 */
export function messageIdFor(key: EmailKey, domain: string): string {
  const recipient = createHash('sha256').update(key.recipient, 'utf8').digest('hex').slice(0, 16);
  const safe = (part: string): string => part.replace(/[^A-Za-z0-9_.-]/g, '_');
  return `<${safe(key.kind)}.${safe(key.sourceId)}.${recipient}@${domain}>`;
}
