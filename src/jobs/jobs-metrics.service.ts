import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { QUEUE_NAMES } from './job-registry';
import { bounded, JobsService } from './jobs.service';

const STATES = ['waiting', 'delayed', 'active', 'completed', 'failed'] as const;

/** Queue depth by state, read when /metrics is scraped. */
@Injectable()
export class JobsMetricsService implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    const jobs = this.jobs;
    new Gauge({
      name: 'queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.metrics.registry],
      async collect() {
        for (const queue of QUEUE_NAMES) {
          // Bounded: a scrape while Redis is down must answer (without these samples), not hang.
          const counts = await bounded(jobs.queue(queue).getJobCounts(...STATES), 500).catch(
            () => null,
          );
          if (!counts) continue;
          for (const state of STATES) this.set({ queue, state }, counts[state] ?? 0);
        }
      },
    });
  }
}
