import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import type { Mail } from 'nodemailer';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import type { EmailContent } from './outgoing-email';

/** One message as handed to SMTP. */
export interface SmtpMessage {
  to: string;
  messageId: string;
  content: EmailContent;
}

/**
 * nodemailer over SMTP_URL; absent when SMTP_URL is not set (no email is ever sent then).
 * Timeouts are bounded so a hung server fails the attempt (and the job retries) well within the
 * job lock, instead of holding a worker slot for nodemailer's default minutes.
 */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  private readonly transporter: Mail | null;
  readonly from: string;

  constructor(@InjectAppConfig() config: AppConfigType) {
    this.from = config.mail.from;
    this.transporter =
      config.mail.smtpUrl === null
        ? null
        : createTransport({
            url: config.mail.smtpUrl,
            connectionTimeout: 10_000,
            greetingTimeout: 10_000,
            socketTimeout: 30_000,
          });
  }

  get enabled(): boolean {
    return this.transporter !== null;
  }

  /** Resolves once the SMTP server has accepted the message; rejects with nodemailer's error. */
  async send(message: SmtpMessage): Promise<void> {
    if (!this.transporter) throw new Error('SMTP_URL is not set');
    const { content } = message;
    await this.transporter.sendMail({
      from: this.from,
      to: message.to,
      messageId: message.messageId,
      subject: content.subject,
      text: content.text,
      html: content.html,
      ...(content.unsubscribeUrl
        ? {
            list: { unsubscribe: { url: content.unsubscribeUrl, comment: 'Unsubscribe' } },
            // RFC 8058: a POST to the List-Unsubscribe URL unsubscribes in one click.
            headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
          }
        : {}),
    });
  }

  onModuleDestroy(): void {
    this.transporter?.close();
  }
}
