import { Injectable } from '@nestjs/common';
import { JobsService } from '../jobs/jobs.service';
import { OutboxRelay } from '../jobs/outbox-relay';
import { WorkerLoop } from '../jobs/worker-loop';
import { EmailMessagesRepository } from './email-messages.repository';

/** The deterministic id of a queued email's `mail.send` job. */
export function emailJobId(emailId: number): string {
  return `email-${emailId}`;
}

/**
 * Moves committed emails from `email_messages` to the `mail` queue (see OutboxRelay): the
 * notification that causes an email commits its row in the same transaction, so a Redis outage
 * delays emails and loses none. The job id `email-<id>` is deterministic, and a sent email is
 * never sent again.
 */
@Injectable()
@WorkerLoop()
export class MailOutboxRelayService extends OutboxRelay<'mail.send'> {
  constructor(messages: EmailMessagesRepository, jobs: JobsService) {
    super(
      'Email',
      {
        unpublished: (n) => messages.unpublished(n),
        markPublished: (ids) => messages.markPublished(ids, new Date()),
      },
      jobs,
      'mail.send',
      250,
    );
  }

  protected jobOf(emailId: number): { payload: { emailId: number }; jobId: string } {
    return { payload: { emailId }, jobId: emailJobId(emailId) };
  }
}
