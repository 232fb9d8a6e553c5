import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../../metrics/metrics.service';
import { OutboxRepository } from './outbox.repository';

/** The outbox lag, read when /metrics is scraped. */
@Injectable()
export class OutboxMetricsService implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly outbox: OutboxRepository,
  ) {}

  onModuleInit(): void {
    const outbox = this.outbox;
    new Gauge({
      name: 'outbox_lag_seconds',
      help: 'Age of the oldest task event not yet moved to the queue (0 when none waits)',
      registers: [this.metrics.registry],
      async collect() {
        const age = await outbox.oldestUnpublishedAgeSeconds().catch(() => null);
        if (age !== null) this.set(age);
      },
    });
  }
}
