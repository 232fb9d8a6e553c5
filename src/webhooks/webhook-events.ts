/**
 * The task events a webhook can subscribe to (`task.due_soon` comes from the reminders,
 * `comment.created` from the comments, whose `data` carries the comment beside the task).
 */
export const WEBHOOK_EVENTS = [
  'task.created',
  'task.updated',
  'task.deleted',
  'task.assigned',
  'task.completed',
  'task.due_soon',
  'comment.created',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export function isWebhookEvent(type: string): type is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(type);
}

/** A run of this many deliveries failed for good (all attempts spent) disables the webhook. */
export const DISABLE_AFTER_CONSECUTIVE_FAILURES = 5;
/** Newest deliveries listed by GET /webhooks/{id}/deliveries. */
export const DELIVERY_LOG_LIMIT = 100;
/** At most this many webhooks per user. */
export const MAX_WEBHOOKS_PER_USER = 20;
/** One attempt's budget for an answer (status line and headers). */
export const DELIVERY_TIMEOUT_MS = 5000;
