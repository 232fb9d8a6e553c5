import { Injectable } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { JobHandler, JobHandlerInstance, PermanentJobError } from '../jobs/job-handler';
import { DeliveryOutcome, EmailBusyError, MailService } from './mail.service';

export interface MailSendPayload {
  /** The email_messages row. */
  emailId: number;
}

declare module '../jobs/job-registry' {
  interface JobPayloads {
    /** Send one queued email (retried with backoff on a temporary SMTP failure). */
    'mail.send': MailSendPayload;
  }
}

/** Sends the queued email of the job; one already sent is not sent again. */
@Injectable()
@JobHandler('mail.send')
export class MailSendHandler implements JobHandlerInstance<'mail.send'> {
  constructor(private readonly mail: MailService) {}

  async handle(job: Job<MailSendPayload>, token?: string): Promise<{ outcome: DeliveryOutcome }> {
    const { emailId } = job.data;
    if (!Number.isSafeInteger(emailId) || emailId < 1) {
      throw new PermanentJobError(`invalid email payload ${JSON.stringify(job.data)}`);
    }
    try {
      return { outcome: await this.mail.deliverQueued(emailId) };
    } catch (error) {
      if (error instanceof EmailBusyError) await waitForLease(job, error, token);
      throw error;
    }
  }
}

/**
 * Postpones the job until the other sender's lease lapses, without spending an attempt
 * (BullMQ's way, as the event dispatcher waits for an earlier event): by then that sender has
 * marked the email sent, or crashed, and the next run sends it.
 */
export async function waitForLease(
  job: Job,
  busy: EmailBusyError,
  token: string | undefined,
): Promise<never> {
  await job.moveToDelayed(Math.max(Date.now(), busy.leaseUntil.getTime()) + 1000, token);
  throw new DelayedError();
}
