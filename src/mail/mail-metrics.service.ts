import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { EmailMessagesRepository } from './email-messages.repository';

/** How far the email relay is behind, read when /metrics is scraped. */
@Injectable()
export class MailMetricsService implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly messages: EmailMessagesRepository,
  ) {}

  onModuleInit(): void {
    const messages = this.messages;
    new Gauge({
      name: 'email_relay_lag_seconds',
      help: 'Age of the oldest email not yet moved to the queue (0 when none waits)',
      registers: [this.metrics.registry],
      async collect() {
        const age = await messages.oldestUnpublishedAgeSeconds().catch(() => null);
        if (age !== null) this.set(age);
      },
    });
  }
}
