import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';

/** The real-time endpoint's metrics, on the instance's registry (GET /metrics). */
@Injectable()
export class RealtimeMetrics {
  private readonly connections: Gauge;
  private readonly eventsSent: Counter<'event'>;
  private readonly slowDropped: Counter;
  private readonly resyncs: Counter<'reason'>;
  private readonly dropped: Counter;
  private readonly latency: Histogram;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.connections = new Gauge({
      name: 'ws_connections',
      help: 'Open WebSocket connections on this instance (authenticated or not yet)',
      registers,
    });
    this.eventsSent = new Counter({
      name: 'ws_events_sent_total',
      help: 'Events sent to WebSocket clients, by event type',
      labelNames: ['event'],
      registers,
    });
    this.slowDropped = new Counter({
      name: 'ws_slow_clients_dropped_total',
      help: 'WebSocket clients closed with 1008 because they did not read their events',
      registers,
    });
    this.resyncs = new Counter({
      name: 'ws_resyncs_total',
      help: 'resync messages sent, by reason (resume, redis_gap, too_many_hidden)',
      labelNames: ['reason'],
      registers,
    });
    this.dropped = new Counter({
      name: 'ws_publish_dropped_total',
      help: 'Real-time events never appended to the stream (Redis unreachable for too long)',
      registers,
    });
    this.latency = new Histogram({
      name: 'ws_fanout_latency_seconds',
      help: 'From the commit time of an event (its occurred_at) to its send to a client',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
      registers,
    });
  }

  connectionOpened(): void {
    this.connections.inc();
  }

  connectionClosed(): void {
    this.connections.dec();
  }

  eventSent(event: string, occurredAtMs: number): void {
    this.eventsSent.inc({ event });
    this.latency.observe(Math.max(0, Date.now() - occurredAtMs) / 1000);
  }

  slowClientDropped(): void {
    this.slowDropped.inc();
  }

  resyncSent(reason: 'resume' | 'redis_gap' | 'too_many_hidden'): void {
    this.resyncs.inc({ reason });
  }

  publishDropped(count: number): void {
    this.dropped.inc(count);
  }
}
