import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobsModule } from '../jobs/jobs.module';
import { EmailMessage } from './email-message.entity';
import { EmailMessagesRepository } from './email-messages.repository';
import { MailMetricsService } from './mail-metrics.service';
import { MailOutboxRedeliveryService } from './mail-outbox-redelivery.service';
import { MailOutboxRelayService } from './mail-outbox-relay.service';
import { MailSendHandler } from './mail-send.handler';
import { MailTransport } from './mail-transport';
import { MailService } from './mail.service';

/**
 * Email over SMTP (nodemailer), the owner of `email_messages`. It knows no feature: callers
 * hand it rendered emails, either queued in their own transaction (notifications) or sent at
 * once from their own job (password reset). See MailService for the delivery guarantees.
 */
@Module({
  imports: [TypeOrmModule.forFeature([EmailMessage]), JobsModule],
  providers: [
    MailTransport,
    MailService,
    EmailMessagesRepository,
    MailOutboxRelayService,
    MailOutboxRedeliveryService,
    MailSendHandler,
    MailMetricsService,
  ],
  exports: [MailService],
})
export class MailModule {}
