import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobHandler, JobHandlerInstance, PermanentJobError } from '../jobs/job-handler';
import { DeliveryOutcome, MailService } from './mail.service';

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

  async handle(job: Job<MailSendPayload>): Promise<{ outcome: DeliveryOutcome }> {
    const { emailId } = job.data;
    if (!Number.isSafeInteger(emailId) || emailId < 1) {
      throw new PermanentJobError(`invalid email payload ${JSON.stringify(job.data)}`);
    }
    return { outcome: await this.mail.deliverQueued(emailId) };
  }
}
