import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PermanentJobError } from '../jobs/job-handler';
import { EmailMessagesRepository } from './email-messages.repository';
import { MailTransport } from './mail-transport';
import { EmailContent, messageIdFor, OutgoingEmail } from './outgoing-email';
import { describeSmtpFailure, isPermanentSmtpFailure } from './smtp-failure';

/**
 * How long one send attempt holds its email. Well past nodemailer's timeouts (10 s to connect,
 * 30 s idle), so a live sender never loses its lease; a crashed one's lapses after this.
 */
const LEASE_MS = 2 * 60_000;

export type DeliveryOutcome = 'sent' | 'already-sent';

/**
 * Another sender holds the email until `leaseUntil` (it is sending, or it crashed and its lease
 * has not lapsed yet). The job should wait until then without spending an attempt: with the
 * usual backoff all attempts could pass within the lease, and a crashed sender's email would
 * never go.
 */
export class EmailBusyError extends Error {
  constructor(
    id: number,
    readonly leaseUntil: Date,
  ) {
    super(`email ${id} is held by another sender until ${leaseUntil.toISOString()}`);
    this.name = 'EmailBusyError';
  }
}

/**
 * Sends email once per key (kind, source, recipient) — at least once, and in practice once:
 *
 * - Each email is a row of `email_messages`, unique per key, so a redelivered event or a
 *   retried job can never make a second email.
 * - A send attempt first claims the row (a lease, by a conditional UPDATE), sends, then marks it
 *   sent; a row marked sent is never sent again, and a row another worker holds is not touched.
 * - The one gap SMTP leaves: a crash after the server accepted the message and before the mark
 *   commits. The lease lapses and the next attempt sends again. That is the trade-off picked:
 *   **at least once** (a rare duplicate) rather than at most once (marking before sending would
 *   lose the email for good on the same crash; a password reset or an assignment that never
 *   arrives is worse than one that arrives twice). The duplicate carries the same Message-ID
 *   (derived from the key), so receivers that dedupe by it (many do) show it once.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);
  private readonly domain: string;

  constructor(
    private readonly transport: MailTransport,
    private readonly messages: EmailMessagesRepository,
  ) {
    this.domain = /@([^>\s]+)>?$/.exec(transport.from)?.[1] ?? 'localhost';
  }

  /** False without SMTP_URL: nothing is queued or sent. */
  get enabled(): boolean {
    return this.transport.enabled;
  }

  /**
   * Queues an email inside the caller's transaction: it is sent (by the `mail.send` job, which
   * the outbox relay enqueues after the commit) if and only if the transaction commits. A key
   * queued before is a no-op. Without SMTP_URL nothing is queued.
   */
  async queue(manager: EntityManager, email: OutgoingEmail, now = new Date()): Promise<void> {
    if (!this.enabled) return;
    await this.messages.insertQueued(
      manager,
      email,
      messageIdFor(email, this.domain),
      email.content,
      now,
    );
  }

  /**
   * Sends an email now, from a job that can render it again on a retry (the password reset:
   * its link must not be stored). Same once-per-key rule as queued emails.
   */
  async sendNow(email: OutgoingEmail): Promise<DeliveryOutcome> {
    const id = await this.messages.ensureDirect(
      email,
      messageIdFor(email, this.domain),
      new Date(),
    );
    return this.deliver(id, () => email.content);
  }

  /** Sends a queued email (the `mail.send` job). */
  deliverQueued(id: number): Promise<DeliveryOutcome> {
    return this.deliver(id, (row) => {
      if (row.content === null) throw new PermanentJobError(`email ${id} has no content`);
      return JSON.parse(row.content) as EmailContent;
    });
  }

  private async deliver(
    id: number,
    contentOf: (row: { content: string | null }) => EmailContent,
  ): Promise<DeliveryOutcome> {
    const now = new Date();
    const claim = await this.messages.claim(id, now, new Date(now.getTime() + LEASE_MS));
    if (claim.kind === 'missing') throw new PermanentJobError(`email ${id} does not exist`);
    if (claim.kind === 'sent') return 'already-sent';
    if (claim.kind === 'busy') throw new EmailBusyError(id, claim.leaseUntil);
    const row = await this.messages.findById(id);
    if (!row) throw new PermanentJobError(`email ${id} does not exist`);
    try {
      await this.transport.send({
        to: row.recipient,
        messageId: row.messageId,
        content: contentOf(row),
      });
    } catch (error) {
      const reason = describeSmtpFailure(error);
      await this.messages.release(id, reason);
      this.logger.warn({ emailId: id, kind: row.kind }, `Email not sent: ${reason}`);
      if (error instanceof PermanentJobError) throw error;
      if (isPermanentSmtpFailure(error)) throw new PermanentJobError(reason);
      throw error;
    }
    await this.messages.markSent(id, new Date());
    this.logger.log({ emailId: id, kind: row.kind }, 'Email sent');
    return 'sent';
  }
}
