/**
 * One measured load: autocannon (as a library) for a fixed time at fixed connections, with the
 * target's RSS sampled meanwhile and its cache hit ratio observed (X-Cache header and the
 * cache_requests_total counter of /metrics).
 */
import autocannon from 'autocannon';
import { rssOfPid } from './processes';

export interface Target {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Local pid when this harness started the process (RSS from /proc), else undefined. */
  pid?: number;
  /** Whether GET /metrics exists (the service; not the floor). */
  metrics: boolean;
}

export interface RequestPlan {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path and headers of the n-th request (n counts from 0 over warm-up and measurement). */
  next: (n: number) => { path: string; headers: Record<string, string>; body?: string };
}

export interface CacheObservation {
  hits: number;
  misses: number;
  /** hits / (hits + misses); null when nothing was observed. */
  ratio: number | null;
  source: 'X-Cache header' | 'cache_requests_total' | 'none';
}

export interface LoadResult {
  durationSec: number;
  connections: number;
  requests: number;
  /** Requests sent but not answered when the run ended (not in the latencies). */
  unfinished: number;
  requestsPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  rssMaxMb: number | null;
  cache?: CacheObservation;
}

function plainHeaders(headers: Record<string, string>): Record<string, string> {
  return { 'content-type': 'application/json', ...headers };
}

/** Raw autocannon run of `plan` for `seconds`; `onHeaders` sees every response's headers. */
export function fire(
  target: Target,
  plan: RequestPlan,
  connections: number,
  seconds: number,
  counter: { n: number },
  onHeaders?: (headers: Record<string, string | string[]>) => void,
): Promise<autocannon.Result> {
  const first = plan.next(counter.n);
  return autocannon({
    url: target.url,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: plan.method,
        path: first.path,
        headers: plainHeaders(first.headers),
        body: first.body,
        setupRequest: (request) => {
          const r = plan.next(counter.n);
          counter.n += 1;
          return { ...request, path: r.path, headers: plainHeaders(r.headers), body: r.body };
        },
        ...(onHeaders
          ? {
              onResponse: (_status: number, _body: string, _context: unknown, headers: unknown) =>
                onHeaders(headers as Record<string, string | string[]>),
            }
          : {}),
      },
    ],
  });
}

/** The target's RSS in bytes now (/proc for a local pid, else /metrics), or undefined. */
async function rssBytes(target: Target): Promise<number | undefined> {
  if (target.pid !== undefined) return rssOfPid(target.pid);
  if (!target.metrics) return undefined;
  const text = await scrapeMetrics(target).catch(() => '');
  const match = /^process_resident_memory_bytes (\S+)$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

const toMb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The target's RSS now, in MB (MiB, as every RSS of the report), or null when unknown. */
export async function rssNowMb(target: Target): Promise<number | null> {
  const bytes = await rssBytes(target);
  return bytes === undefined ? null : toMb(bytes);
}

/** Samples the target's RSS every 200 ms until stopped; resolves to the maximum in MB. */
export function sampleRss(target: Target): { stop: () => Promise<number | null> } {
  let max = 0;
  let running = true;
  const sampleOnce = async (): Promise<void> => {
    const bytes = await rssBytes(target);
    if (bytes !== undefined) max = Math.max(max, bytes);
  };
  const loop = (async () => {
    while (running) {
      await sampleOnce();
      await new Promise((r) => setTimeout(r, 200));
    }
    await sampleOnce();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return max > 0 ? toMb(max) : null;
    },
  };
}

export async function scrapeMetrics(target: Target): Promise<string> {
  const response = await fetch(`${target.url}/metrics`, { signal: AbortSignal.timeout(5000) });
  return response.ok ? response.text() : '';
}

/** One sample of a metric without labels (or the sum over its label sets), or null. */
export function metricValue(metricsText: string, name: string, labels = ''): number | null {
  let total: number | null = null;
  const pattern = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`, 'gm');
  for (const match of metricsText.matchAll(pattern)) {
    if (labels && !(match[1] ?? '').includes(labels)) continue;
    total = (total ?? 0) + Number(match[2]);
  }
  return total;
}

/** Polls a metric every 200 ms until stopped; resolves to the maximum seen (null if never). */
export function sampleMetricMax(
  target: Target,
  name: string,
): { stop: () => Promise<number | null> } {
  let max: number | null = null;
  let running = true;
  const loop = (async () => {
    while (running) {
      const value = metricValue(await scrapeMetrics(target).catch(() => ''), name);
      if (value !== null) max = Math.max(max ?? value, value);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return max;
    },
  };
}

/** Sum of cache_requests_total by result (hit, miss, bypass) over all caches. */
export function cacheCounters(metricsText: string): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const match of metricsText.matchAll(/^cache_requests_total\{([^}]*)\} (\S+)$/gm)) {
    const result = /result="([^"]*)"/.exec(match[1])?.[1] ?? 'unknown';
    totals[result] = (totals[result] ?? 0) + Number(match[2]);
  }
  return totals;
}

/** Nearest-rank percentiles of latencies in ms, rounded like autocannon's to 0.01 ms. */
export function latencySummary(samples: number[]): LoadResult['latencyMs'] {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 100) / 100;
  const at = (q: number): number =>
    sorted.length === 0
      ? 0
      : round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]);
  const mean = sorted.length === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1), mean: round(mean) };
}

export function summarize(result: autocannon.Result, rssMaxMb: number | null): LoadResult {
  const statusCodes: Record<string, number> = {};
  const stats = (result as unknown as { statusCodeStats?: Record<string, { count: number }> })
    .statusCodeStats;
  for (const [code, value] of Object.entries(stats ?? {})) statusCodes[code] = value.count;
  const round = (n: number): number => Math.round(n * 100) / 100;
  return {
    durationSec: result.duration,
    connections: result.connections,
    requests: result.requests.total,
    unfinished: Math.max(0, result.requests.sent - result.requests.total),
    requestsPerSec: Math.round(result.requests.total / Math.max(result.duration, 0.001)),
    latencyMs: {
      p50: round(result.latency.p50),
      p90: round(result.latency.p90),
      p99: round(result.latency.p99),
      max: round(result.latency.max),
      mean: round(result.latency.average),
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    rssMaxMb,
  };
}

/**
 * Warm-up (discarded), then the measured run with RSS sampling and, when `observeCache`, the
 * hit ratio from X-Cache headers (or, without them, from the /metrics counter delta).
 */
export async function measure(
  target: Target,
  plan: RequestPlan,
  options: {
    connections: number;
    seconds: number;
    warmupSeconds: number;
    observeCache: boolean;
    /** Waits until the work of aborted requests has drained (after warm-up and the run). */
    settle?: () => Promise<void>;
  },
  counter: { n: number } = { n: 0 },
): Promise<LoadResult> {
  if (options.warmupSeconds > 0) {
    await fire(target, plan, options.connections, options.warmupSeconds, counter);
    await options.settle?.();
  }
  const before = options.observeCache && target.metrics ? await scrapeMetrics(target) : '';
  const header = { hits: 0, misses: 0 };
  const onHeaders = options.observeCache
    ? (headers: Record<string, string | string[]>) => {
        const value = headers['x-cache'] ?? headers['X-Cache'];
        if (value === 'HIT') header.hits += 1;
        else if (value === 'MISS') header.misses += 1;
      }
    : undefined;
  const rss = sampleRss(target);
  const raw = await fire(target, plan, options.connections, options.seconds, counter, onHeaders);
  const result = summarize(raw, await rss.stop());
  if (options.observeCache) result.cache = await observeCache(target, before, header);
  await options.settle?.();
  return result;
}

export async function observeCache(
  target: Target,
  metricsBefore: string,
  header: { hits: number; misses: number },
): Promise<CacheObservation> {
  if (header.hits + header.misses > 0) {
    return {
      ...header,
      ratio: header.hits / (header.hits + header.misses),
      source: 'X-Cache header',
    };
  }
  if (target.metrics) {
    const before = cacheCounters(metricsBefore);
    const after = cacheCounters(await scrapeMetrics(target));
    const delta = (k: string): number => (after[k] ?? 0) - (before[k] ?? 0);
    const hits = delta('hit');
    const misses = delta('miss') + delta('bypass');
    if (hits + misses > 0) {
      return { hits, misses, ratio: hits / (hits + misses), source: 'cache_requests_total' };
    }
  }
  return { hits: 0, misses: 0, ratio: null, source: 'none' };
}

/** What a hand-timed loop (no autocannon) counts: 2xx latencies in ms, and the rest. */
export interface Tally {
  latencies: number[];
  statusCodes: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export const tally = (): Tally => ({
  latencies: [],
  statusCodes: {},
  non2xx: 0,
  errors: 0,
  timeouts: 0,
});
