import type { JobsOptions } from 'bullmq';
import type { AppConfig } from '../config/env';

/**
 * The one registry of queues, job names and retry policies. A job name is `<queue>.<action>`;
 * every name here must have exactly one @JobHandler, or workers refuse to start.
 */
export const QUEUE_NAMES = [
  'events',
  'exports',
  'reminders',
  'webhooks',
  'attachments',
  'mail',
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * Each job's payload type, declared by the feature that runs the job, beside its @JobHandler:
 *
 *     declare module '../jobs/job-registry' {
 *       interface JobPayloads { 'exports.tasks': ExportTasksPayload }
 *     }
 *
 * so the job core imports none of its features, and the compiler still holds both ends
 * together: JOB_DEFINITIONS must name every declared job, and nothing else.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface JobPayloads {}
export type JobName = keyof JobPayloads;

interface JobDefinition {
  queue: QueueName;
  /** Attempts for this job; defaults to JOB_ATTEMPTS. */
  attempts?: number;
  /** How long finished jobs stay inspectable (GET /jobs/{id}, debugging). */
  keepCompletedSeconds: number;
  keepFailedSeconds: number;
}

const HOUR = 3600;

export const JOB_DEFINITIONS: { readonly [N in JobName]: JobDefinition } = {
  // Handled by TaskEventDispatcher.
  'events.dispatch': {
    queue: 'events',
    keepCompletedSeconds: HOUR,
    keepFailedSeconds: 7 * 24 * HOUR,
  },
  // Handled by ExportTasksHandler.
  'exports.tasks': {
    queue: 'exports',
    // As long as the result is downloadable (EXPORT_RESULT_TTL_MS): GET /jobs/{id} keeps working.
    keepCompletedSeconds: 24 * HOUR,
    keepFailedSeconds: 24 * HOUR,
  },
  // Handled by ReminderFireHandler.
  'reminders.fire': {
    queue: 'reminders',
    keepCompletedSeconds: HOUR,
    keepFailedSeconds: 7 * 24 * HOUR,
  },
  // Handled by WebhookDeliveryHandler.
  'webhooks.deliver': {
    queue: 'webhooks',
    // The outcome lives in webhook_deliveries (GET /webhooks/{id}/deliveries), not in the job.
    keepCompletedSeconds: HOUR,
    keepFailedSeconds: 7 * 24 * HOUR,
  },
  'attachments.purge': {
    queue: 'attachments',
    keepCompletedSeconds: HOUR,
    keepFailedSeconds: 7 * 24 * HOUR,
  },
  // Handled by MailSendHandler. The sent-log is email_messages, not the job.
  'mail.send': {
    queue: 'mail',
    keepCompletedSeconds: HOUR,
    keepFailedSeconds: 7 * 24 * HOUR,
  },
  // Handled by PasswordResetMailHandler. Its payload names an email address: kept briefly.
  'mail.password-reset': {
    queue: 'mail',
    keepCompletedSeconds: 60,
    keepFailedSeconds: 24 * HOUR,
  },
};

/** Kept finished jobs per queue and state at most, whatever their age (Redis must not grow). */
const MAX_KEPT_JOBS = 10_000;

/** Retry with exponential backoff and jitter, and bounded retention of finished jobs. */
export function jobOptions(name: JobName, config: Pick<AppConfig, 'jobs'>): JobsOptions {
  const definition = JOB_DEFINITIONS[name];
  return {
    attempts: definition.attempts ?? config.jobs.attempts,
    backoff: { type: 'exponential', delay: config.jobs.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: definition.keepCompletedSeconds, count: MAX_KEPT_JOBS },
    removeOnFail: { age: definition.keepFailedSeconds, count: MAX_KEPT_JOBS },
  };
}

export function queueOf(name: JobName): QueueName {
  return JOB_DEFINITIONS[name].queue;
}
