import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of this app instance. A registry per instance (not prom-client's global
 * one) lets tests run several app instances in one process.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  private readonly rateLimitRejections = new Counter({
    name: 'rate_limit_rejections_total',
    help: 'Requests refused with 429, by limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  private readonly rateLimitStorageFailures = new Counter({
    name: 'rate_limit_storage_failures_total',
    help: 'Rate-limit checks that could not reach Redis, by limit and fallback (fail_open, in_process)',
    labelNames: ['limit', 'fallback'] as const,
    registers: [this.registry],
  });

  private readonly cacheRequests = new Counter({
    name: 'cache_requests_total',
    help: 'Cache lookups by cache and result (hit, miss, bypass while Redis is unusable)',
    labelNames: ['cache', 'result'] as const,
    registers: [this.registry],
  });

  private readonly cacheErrors = new Counter({
    name: 'cache_errors_total',
    help: 'Cache operations that failed against Redis, by cache and operation',
    labelNames: ['cache', 'operation'] as const,
    registers: [this.registry],
  });

  private readonly dbReads = new Counter({
    name: 'db_routed_reads_total',
    help: 'Heavy reads (listing, search, stats, reports, export) by where they ran: replica or primary',
    labelNames: ['target'] as const,
    registers: [this.registry],
  });

  private readonly replicaLagSeconds = new Gauge({
    name: 'db_replica_lag_seconds',
    help: 'How far each read replica is behind the primary (-1 while it is skipped as failing)',
    labelNames: ['replica'] as const,
    registers: [this.registry],
  });

  private readonly jobDuration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Job run time by job name and outcome (completed, failed)',
    labelNames: ['job', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });

  private readonly outboxRedeliveries = new Counter({
    name: 'outbox_redelivered_total',
    help: 'Published outbox rows re-queued because Redis had lost their job, by outbox',
    labelNames: ['outbox'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** `route` is the route pattern (`/api/v1/tasks/:id`), never the raw URL, to bound cardinality. */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  rateLimitRejected(limit: string): void {
    this.rateLimitRejections.inc({ limit });
  }

  rateLimitStorageFailure(limit: string, fallback: 'fail_open' | 'in_process'): void {
    this.rateLimitStorageFailures.inc({ limit, fallback });
  }

  cacheRequest(cache: string, result: 'hit' | 'miss' | 'bypass'): void {
    this.cacheRequests.inc({ cache, result });
  }

  cacheError(cache: string, operation: string): void {
    this.cacheErrors.inc({ cache, operation });
  }

  dbRead(target: 'replica' | 'primary'): void {
    this.dbReads.inc({ target });
  }

  /** `lagMs` null: the replica is failing (or has reached no primary sample yet). */
  replicaLag(replica: string, lagMs: number | null): void {
    this.replicaLagSeconds.set({ replica }, lagMs === null ? -1 : lagMs / 1000);
  }

  /** One finished run of a job; failed runs include those that will be retried. */
  jobFinished(job: string, outcome: 'completed' | 'failed', seconds: number): void {
    this.jobDuration.observe({ job, outcome }, seconds);
  }

  /** Rows of an outbox handed back to its relay by the redelivery sweep (OutboxRedelivery). */
  outboxRedelivered(outbox: string, count: number): void {
    this.outboxRedeliveries.inc({ outbox }, count);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
