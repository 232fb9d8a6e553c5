/**
 * The benchmark report: the JSON of a run, and its Markdown (scenarios, floors, growth,
 * targets met or not, machine).
 */
import type { LoadResult } from './load';
import type { RealtimeResult } from './scenarios/realtime';

export interface ScenarioResult extends LoadResult {
  id: string;
  title: string;
  /** Database the target read and wrote. */
  db: string;
  target: 'service' | 'floor';
  note?: string;
}

export interface TargetCheck {
  target: string;
  met: boolean | null;
  detail: string;
}

export interface GrowthRow {
  id: string;
  title: string;
  small: ScenarioResult;
  large: ScenarioResult;
  p50Ratio: number | null;
  p99Ratio: number | null;
  rpsRatio: number | null;
}

/** Scenarios A1/A2 (issue 13): one file up and down, next to the bare file route. */
export interface AttachmentTransfer {
  fileBytes: number;
  connections: number;
  /** Attachments the run uploaded (warm-up included); deleted again through the API. */
  uploaded: number;
  uploadMibPerSec: number | null;
  downloadMibPerSec: number | null;
  /** The bare Fastify route streaming the same file (bench/file-floor-server.ts). */
  floorMibPerSec: number | null;
  /** downloadMibPerSec / floorMibPerSec. */
  downloadToFloor: number | null;
  /** The service's RSS before A1's warm-up, its peak until A2 ended, and the difference. */
  rss: { beforeMb: number | null; peakMb: number | null; growthMb: number | null };
}

export interface BenchReport {
  mode: 'full' | 'smoke';
  startedAt: string;
  finishedAt: string;
  machine: Record<string, string | number>;
  settings: Record<string, string | number | boolean>;
  datasets: Array<{
    db: string;
    tasks: number;
    users: number;
    heavyUserId: number;
    /** The team project of scenarios T1–T7 and the member whose reads T1–T4 measure. */
    team: { projectId: number; tasks: number; members: number; memberId: number };
  }>;
  scenarios: ScenarioResult[];
  floors: ScenarioResult[];
  floorRatios: Array<{
    scenario: string;
    floor: string;
    rpsRatio: number | null;
    p99Ratio: number | null;
  }>;
  growth: GrowthRow[];
  loginFlood: {
    withoutFloodP99: number;
    withFlood: ScenarioResult;
    logins: ScenarioResult;
    p99Ratio: number | null;
  } | null;
  notApplicable: Array<{ id: string; title: string; reason: string }>;
  /** Scenario 9: task-event jobs processed during and after scenario 6, and the outbox lag. */
  jobs: {
    processed: number;
    perSecondDuringLoad: number;
    drainSeconds: number;
    perSecondIncludingDrain: number;
    maxOutboxLagSeconds: number | null;
  } | null;
  /** Scenarios A1/A2 (issue 13), or null when neither ran. */
  attachments: AttachmentTransfer | null;
  /** Scenario `realtime` (issue 14), or null when it did not run. */
  realtime: RealtimeResult | null;
  targets: TargetCheck[];
  problems: string[];
}

export const ratio = (a: number, b: number): number | null =>
  b > 0 ? Math.round((a / b) * 100) / 100 : null;

const fmt = (n: number | null | undefined, digits = 1): string =>
  n === null || n === undefined ? 'n/a' : Number.isInteger(n) ? String(n) : n.toFixed(digits);

function cacheCell(r: ScenarioResult): string {
  if (!r.cache) return '';
  if (r.cache.ratio === null) return 'n/a (no X-Cache header, no cache metrics)';
  return `${(r.cache.ratio * 100).toFixed(1)}% (${r.cache.source})`;
}

function scenarioTable(rows: ScenarioResult[]): string {
  if (rows.length === 0) return 'None in this run.';
  const head =
    '| scenario | db | conns | req/s | p50 ms | p90 ms | p99 ms | errors | timeouts | non-2xx | unfinished | max RSS MB | cache hit ratio |\n' +
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |';
  const body = rows.map(
    (r) =>
      `| ${r.title} | ${r.db} | ${r.connections} | ${r.requestsPerSec} | ${fmt(r.latencyMs.p50)} | ${fmt(r.latencyMs.p90)} | ${fmt(r.latencyMs.p99)} | ${r.errors} | ${r.timeouts} | ${r.non2xx}${
        r.non2xx > 0
          ? ` (${Object.entries(r.statusCodes)
              .filter(([c]) => !c.startsWith('2'))
              .map(([c, n]) => `${c}×${n}`)
              .join(', ')})`
          : ''
      } | ${r.unfinished} | ${fmt(r.rssMaxMb)} | ${cacheCell(r)} |`,
  );
  return [head, ...body].join('\n');
}

export function toMarkdown(report: BenchReport): string {
  const lines: string[] = [];
  lines.push(`# Benchmark ${report.mode === 'smoke' ? '(smoke) ' : ''}${report.startedAt}`, '');
  lines.push(
    `Finished ${report.finishedAt}. Settings: ${Object.entries(report.settings)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')}.`,
    '',
  );
  if (report.mode === 'smoke') {
    lines.push(
      '_Smoke run: tiny durations and data, to check the harness works. The numbers mean nothing._',
      '',
    );
  }
  lines.push('## Targets', '', '| target | met | numbers |', '| --- | --- | --- |');
  for (const t of report.targets) {
    lines.push(
      `| ${t.target} | ${t.met === null ? 'n/a' : t.met ? 'met' : 'NOT met'} | ${t.detail} |`,
    );
  }
  lines.push(
    '',
    '## Scenarios',
    '',
    'Latencies are of answered 2xx requests, in whole ms. "unfinished": sent but not answered when the run ended (a request slower than the run is in no other column).',
    '',
    scenarioTable(report.scenarios),
    '',
  );
  for (const na of report.notApplicable) lines.push(`- ${na.id}. ${na.title}: ${na.reason}`);
  if (report.notApplicable.length > 0) lines.push('');
  if (report.jobs) {
    const j = report.jobs;
    lines.push(
      `9. Jobs under scenario 6: ${j.processed} task-event jobs processed, ` +
        `${j.perSecondDuringLoad.toFixed(1)} jobs/s during the load, ` +
        `${j.perSecondIncludingDrain.toFixed(1)} jobs/s including ${j.drainSeconds.toFixed(1)} s to drain; ` +
        `max outbox lag ${j.maxOutboxLagSeconds === null ? 'n/a' : `${j.maxOutboxLagSeconds.toFixed(2)} s`}`,
      '',
    );
  }
  if (report.loginFlood) {
    const f = report.loginFlood;
    lines.push(
      '## Login flood (scenario 8)',
      '',
      `Scenario 1 p99 without the flood: ${fmt(f.withoutFloodP99)} ms; with the flood: ${fmt(f.withFlood.latencyMs.p99)} ms (×${fmt(f.p99Ratio, 2)}).`,
      '',
      scenarioTable([f.withFlood, f.logins]),
      '',
    );
  }
  if (report.attachments) {
    const a = report.attachments;
    lines.push(
      '## Attachments (scenarios A1, A2)',
      '',
      'Throughput of the 2xx transfers (file bytes / seconds until the last one ended); the floor is a bare Fastify route streaming the same file from disk, measured right after A2. RSS: the service, before A1 and at its peak until A2 ended.',
      '',
      '| file MiB | conns | uploaded | upload MiB/s | download MiB/s | floor MiB/s | download / floor | RSS before MB | RSS peak MB | RSS growth MB |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      `| ${fmt(a.fileBytes / 1024 / 1024, 2)} | ${a.connections} | ${a.uploaded} | ${fmt(a.uploadMibPerSec)} | ${fmt(a.downloadMibPerSec)} | ${fmt(a.floorMibPerSec)} | ${fmt(a.downloadToFloor, 2)} | ${fmt(a.rss.beforeMb)} | ${fmt(a.rss.peakMb)} | ${fmt(a.rss.growthMb)} |`,
      '',
    );
  }
  if (report.realtime) lines.push(...realtimeSection(report.realtime));
  lines.push(
    '## Floors (bare Fastify + ioredis + mysql2; bare Fastify + fs for files)',
    '',
    scenarioTable(report.floors),
    '',
  );
  lines.push(
    '| scenario | floor | req/s ratio | p99 ratio (service / floor) |',
    '| --- | --- | --- | --- |',
  );
  for (const r of report.floorRatios) {
    lines.push(`| ${r.scenario} | ${r.floor} | ${fmt(r.rpsRatio, 2)} | ${fmt(r.p99Ratio, 2)} |`);
  }
  lines.push('', '## Growth (scenarios 3-5 and T1-T4, small vs large database)', '');
  if (report.growth.length === 0) lines.push('Not measured in this run.');
  else {
    lines.push(
      '| scenario | small db p50 / p99 ms | large db p50 / p99 ms | p50 ratio | p99 ratio | req/s small → large |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const g of report.growth) {
      lines.push(
        `| ${g.title} | ${fmt(g.small.latencyMs.p50)} / ${fmt(g.small.latencyMs.p99)} (${g.small.db}) | ${fmt(g.large.latencyMs.p50)} / ${fmt(g.large.latencyMs.p99)} (${g.large.db}) | ${fmt(g.p50Ratio, 2)} | ${fmt(g.p99Ratio, 2)} | ${g.small.requestsPerSec} → ${g.large.requestsPerSec} |`,
      );
    }
  }
  lines.push(
    '',
    '## Data sets',
    '',
    '| db | tasks | seed users | heavy user id | team project id: tasks, members | team member id (T1-T4) |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const d of report.datasets)
    lines.push(
      `| ${d.db} | ${d.tasks} | ${d.users} | ${d.heavyUserId} | ${d.team.projectId}: ${d.team.tasks}, ${d.team.members} | ${d.team.memberId} |`,
    );
  lines.push('', '## Machine', '');
  for (const [k, v] of Object.entries(report.machine)) lines.push(`- ${k}: ${String(v)}`);
  if (report.problems.length > 0) {
    lines.push('', '## Problems', '', ...report.problems.map((p) => `- ${p}`));
  }
  lines.push('');
  return lines.join('\n');
}

function realtimeSection(r: RealtimeResult): string[] {
  return [
    '## Real-time fan-out (scenario realtime)',
    '',
    `Instance A holds ${r.clients} WebSockets of ${r.users} users; instance B (same database and Redis) takes ${r.writesPerSecond} PATCHes/s of those users' tasks for ${r.durationSec} s. Latency: from the harness reading B's response to the event's arrival on A's socket, per expected delivery (${r.beforeResponse} arrived before the response was read: 0 ms). The sockets run in the harness process on the same cores. Load average ${r.loadAverage.start} at the start, ${r.loadAverage.end} at the end.`,
    '',
    '| clients | users | writes | p50 ms | p90 ms | p99 ms | max ms | expected | received | lost | duplicated | foreign | clients with loss / duplicates | failed writes | RSS A ready / peak MB | target |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${r.clients} | ${r.users} | ${r.writes} | ${fmt(r.latencyMs.p50)} | ${fmt(r.latencyMs.p90)} | ${fmt(r.latencyMs.p99)} | ${fmt(r.latencyMs.max)} | ${r.expected} | ${r.received} | ${r.lost} | ${r.duplicated} | ${r.foreign} | ${r.clientsWithLoss} / ${r.clientsWithDuplicates} | ${r.writeErrors} | ${fmt(r.rssReadyMb)} / ${fmt(r.rssPeakMb)} | ${r.met ? 'met' : 'NOT met'} (p99 < ${r.targets.p99Ms} ms, RSS < ${r.targets.rssMb} MB, none lost or duplicated) |`,
    '',
    `Where the time goes (p50 / p99 ms, by the event's stream id, its append time): from B's response to the append (outbox relay, queue, dispatch) ${fmt(r.stagesMs.toStream.p50)} / ${fmt(r.stagesMs.toStream.p99)}; from the append to the socket (A's XREAD, the send, the harness) ${fmt(r.stagesMs.streamToSocket.p50)} / ${fmt(r.stagesMs.streamToSocket.p99)}.`,
    '',
  ];
}
