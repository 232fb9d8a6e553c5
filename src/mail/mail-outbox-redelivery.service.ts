import { Injectable } from '@nestjs/common';
import { JobsService } from '../jobs/jobs.service';
import { OutboxRedelivery } from '../jobs/outbox-redelivery';
import { WorkerLoop } from '../jobs/worker-loop';
import { MetricsService } from '../metrics/metrics.service';
import { EmailMessagesRepository } from './email-messages.repository';
import { emailJobId } from './mail-outbox-relay.service';

/** The `outbox` label of the email outbox's metrics. */
export const EMAIL_OUTBOX = 'email';

/**
 * Re-queues queued emails whose `mail.send` job Redis lost after the relay published them (see
 * OutboxRedelivery), so such an email is still sent. "Handled" is `sent_at`; an email sent
 * directly by its own job (the password reset: no stored content) is not the relay's and is
 * left out.
 */
@Injectable()
@WorkerLoop()
export class MailOutboxRedeliveryService extends OutboxRedelivery<'mail.send'> {
  constructor(messages: EmailMessagesRepository, jobs: JobsService, metrics: MetricsService) {
    super(
      EMAIL_OUTBOX,
      {
        publishedUnhandled: (range, limit) => messages.publishedUnsent(range, limit),
        unpublish: (ids, before) => messages.unpublish(ids, before),
      },
      jobs,
      metrics,
      'mail.send',
    );
  }

  protected jobIdOf(emailId: number): string {
    return emailJobId(emailId);
  }
}
