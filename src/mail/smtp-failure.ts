/**
 * Whether an SMTP failure can pass by itself: a 4xx reply (greylisting, a full queue, a rate
 * limit), a lost or refused connection or a timeout are retried; a 5xx reply (no such mailbox,
 * refused as spam, a message too large) will answer the same next time, so it is not.
 * nodemailer puts the server's reply code on the error as `responseCode`.
 */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** A short, loggable description of a send failure (never the SMTP URL or its password). */
export function describeSmtpFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 500);
  const { code, responseCode } = error as Error & { code?: unknown; responseCode?: unknown };
  const parts = [
    typeof code === 'string' ? code : null,
    typeof responseCode === 'number' ? String(responseCode) : null,
    error.message,
  ];
  return parts.filter(Boolean).join(' ').slice(0, 500);
}
