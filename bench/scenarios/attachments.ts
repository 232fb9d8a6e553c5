/**
 * Scenarios A1 and A2 (issue 13): upload and download of one file (5 MiB in a full run) at a
 * few connections, next to a bare Fastify route streaming the same bytes from disk (the file
 * floor, bench/file-floor-server.ts), in the same run, while the service's RSS is watched:
 * uploads and downloads must stream, so 4 transfers of 5 MiB at once must not grow it by much.
 *
 * The load generator is a small keep-alive loop on node:http rather than autocannon:
 * autocannon appends every response body to a string, which would make 5 MiB downloads cost
 * the harness more CPU than the servers it measures. Each connection sends its request, reads
 * the whole answer (counting the bytes, keeping none of a download), and sends the next, until
 * the time is up; a request under way then finishes, and the rates divide by the time until
 * the last one did, so no transfer is left half-counted.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { BENCH_TITLE_PREFIX } from '../datasets';
import { latencySummary, LoadResult, rssNowMb, sampleRss, Target } from '../load';
import { freePort, startFileFloor } from '../processes';
import type { AttachmentTransfer, ScenarioResult } from '../report';

/** A measured transfer: a LoadResult plus the payload bytes moved by its 2xx answers. */
export interface TransferResult extends LoadResult {
  /** File bytes uploaded (A1) or downloaded (A2, the floor) by the 2xx answers. */
  bytes: number;
  /** `bytes` per second, in MiB/s. */
  mibPerSec: number;
}

interface TransferRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** How long one transfer may take before it counts as a timeout (5 MiB on a busy machine). */
const REQUEST_TIMEOUT_MS = 30_000;

const MIB = 1024 * 1024;

/**
 * A `multipart/form-data` body with `file` in the one part the contract names (`file`), built
 * once: every upload sends the same Buffer.
 */
export function multipartBody(
  file: Buffer,
  filename: string,
): { body: Buffer; contentType: string } {
  const boundary = `----bench${randomBytes(12).toString('hex')}`;
  const head =
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n';
  return {
    body: Buffer.concat([Buffer.from(head), file, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/**
 * `connections` clients sending `request` back to back for `seconds` on keep-alive
 * connections. A 2xx download must bring `expectBytes` bytes (else it counts as an error);
 * `onJson` sees the parsed body of each 2xx answer that is JSON (the uploads' Attachment).
 */
export async function transfer(
  url: string,
  request: TransferRequest,
  options: {
    connections: number;
    seconds: number;
    /** Bytes a 2xx answer must carry (downloads); counted as moved bytes. */
    expectBytes?: number;
    /** Bytes each 2xx answer moved the other way (uploads). */
    sentBytes?: number;
    onJson?: (body: unknown) => void;
  },
): Promise<TransferResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL(url);
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let bytes = 0;

  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const started = performance.now();
      // Each request ends once, counted once: a timeout or a reset can raise more than one event.
      let ended = false;
      const end = (count: () => void): void => {
        if (ended) return;
        ended = true;
        count();
        resolve();
      };
      const req = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.path,
          headers: {
            ...request.headers,
            ...(request.body ? { 'content-length': String(request.body.length) } : {}),
          },
          agent,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          const json = ok && options.onJson && /json/.test(res.headers['content-type'] ?? '');
          const chunks: Buffer[] = [];
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (json) chunks.push(chunk);
          });
          res.on('error', () => end(() => (errors += 1)));
          res.on('end', () =>
            end(() => {
              statusCodes[status] = (statusCodes[status] ?? 0) + 1;
              if (!ok) non2xx += 1;
              else if (options.expectBytes !== undefined && received !== options.expectBytes) {
                errors += 1; // a 2xx download cut short (or too long) is no transfer
              } else {
                latencies.push(performance.now() - started);
                bytes += options.expectBytes ?? options.sentBytes ?? 0;
                if (json) options.onJson?.(JSON.parse(Buffer.concat(chunks).toString('utf8')));
              }
            }),
          );
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => {
        end(() => (timeouts += 1));
        req.destroy();
      });
      req.on('error', () => end(() => (errors += 1)));
      req.end(request.body);
    });

  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      // At least one request each, so that a zero-second run still transfers once.
      do await once();
      while (performance.now() < deadline);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const requests = latencies.length + non2xx;
  return {
    durationSec: Math.round(seconds * 100) / 100,
    connections: options.connections,
    requests,
    unfinished: 0,
    requestsPerSec: Math.round(requests / Math.max(seconds, 0.001)),
    latencyMs: latencySummary(latencies),
    errors,
    timeouts,
    non2xx,
    statusCodes,
    rssMaxMb: null,
    bytes,
    mibPerSec: Math.round((bytes / MIB / Math.max(seconds, 0.001)) * 10) / 10,
  };
}

export interface AttachmentRunContext {
  /** The service. */
  target: Target;
  db: string;
  /** A token of the writer, an editor of its inbox, where the scenario's task goes. */
  token: string;
  /** Scratch directory of the run (the uploaded file is written there for the floor). */
  tmp: string;
  fileBytes: number;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  upload: boolean;
  download: boolean;
  /** Whether to measure the file floor (`--no-floors` skips it). */
  floor: boolean;
  titles: { upload: string; download: string; floor: string };
  /** Waits until the work of the last phase has drained from MySQL. */
  settle: () => Promise<void>;
  /** Logs one line. */
  log: (text: string) => void;
}

export interface AttachmentRunResult {
  scenarios: ScenarioResult[];
  floor: ScenarioResult | null;
  summary: AttachmentTransfer;
  problems: string[];
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

async function createTask(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/tasks`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    // The cleanup deletes the writer's tasks with this prefix (and their attachment rows).
    body: JSON.stringify({ title: `${BENCH_TITLE_PREFIX} attachments` }),
  });
  const text = await response.text();
  if (response.status !== 201) {
    throw new Error(`creating the attachments task answered ${response.status}: ${text}`);
  }
  return (JSON.parse(text) as { id: number }).id;
}

/** Deletes the run's uploads through the API, so the storage loses their bytes too. */
async function deleteUploads(url: string, token: string, ids: number[]): Promise<number> {
  let failed = 0;
  const queue = [...ids];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
        const response = await fetch(`${url}/api/v1/attachments/${id}`, {
          method: 'DELETE',
          headers: bearer(token),
        }).catch(() => null);
        await response?.arrayBuffer();
        if (response?.status !== 204) failed += 1;
      }
    }),
  );
  return failed;
}

const asScenario = (
  id: string,
  title: string,
  db: string,
  kind: 'service' | 'floor',
  result: TransferResult,
): ScenarioResult => {
  const { bytes, mibPerSec, ...load } = result;
  return { id, title, db, target: kind, ...load, note: `${mibPerSec} MiB/s (${bytes} bytes)` };
};

/** Warm-up (discarded), then the measured downloads of `request`, with the target's RSS. */
async function measureDownload(
  target: Target,
  request: TransferRequest,
  ctx: AttachmentRunContext,
): Promise<TransferResult> {
  const options = { connections: ctx.connections, expectBytes: ctx.fileBytes };
  if (ctx.warmupSeconds > 0) {
    await transfer(target.url, request, { ...options, seconds: ctx.warmupSeconds });
  }
  const rss = sampleRss(target);
  const result = await transfer(target.url, request, { ...options, seconds: ctx.seconds });
  result.rssMaxMb = await rss.stop();
  return result;
}

function describeTransfer(r: TransferResult): string {
  return (
    `${r.mibPerSec} MiB/s (${r.requestsPerSec} req/s), p50 ${r.latencyMs.p50} / p99 ${r.latencyMs.p99} ms, ` +
    `${r.errors + r.timeouts} errors, ${r.non2xx} non-2xx, RSS ${r.rssMaxMb ?? 'n/a'} MB`
  );
}

/** The file floor: a bare Fastify route streaming `filePath`, measured like A2. */
async function measureFileFloor(
  filePath: string,
  ctx: AttachmentRunContext,
): Promise<{ result: ScenarioResult; mibPerSec: number }> {
  const port = await freePort();
  const server = await startFileFloor(filePath, port, join(ctx.tmp, 'file-floor.log'));
  try {
    const target: Target = { url: server.url, pid: server.pid, metrics: false };
    process.stdout.write(`  ${ctx.titles.floor} [${ctx.connections} conns] ... `);
    const result = await measureDownload(
      target,
      { method: 'GET', path: '/file', headers: {} },
      ctx,
    );
    ctx.log(describeTransfer(result));
    return {
      result: asScenario('floor-file-download', ctx.titles.floor, ctx.db, 'floor', result),
      mibPerSec: result.mibPerSec,
    };
  } finally {
    await server.stop();
  }
}

/**
 * A1 (upload), A2 (download) and the file floor, in that order, then the uploads deleted.
 * The service's RSS is read once before A1's warm-up and sampled from then until A2 ends.
 */
export async function runAttachmentScenarios(
  ctx: AttachmentRunContext,
): Promise<AttachmentRunResult> {
  const { target } = ctx;
  const file = randomBytes(ctx.fileBytes);
  const filePath = join(ctx.tmp, 'bench-attachment.bin');
  writeFileSync(filePath, file);
  const filename = `bench-${ctx.fileBytes}.bin`;
  const { body, contentType } = multipartBody(file, filename);
  const taskId = await createTask(target.url, ctx.token);
  const uploadRequest: TransferRequest = {
    method: 'POST',
    path: `/api/v1/tasks/${taskId}/attachments`,
    headers: { ...bearer(ctx.token), 'content-type': contentType },
    body,
  };
  const uploaded: number[] = [];
  const collect = (json: unknown): void => {
    const id = (json as { id?: unknown }).id;
    if (typeof id === 'number') uploaded.push(id);
  };
  const problems: string[] = [];
  const scenarios: ScenarioResult[] = [];
  const transferOptions = { connections: ctx.connections };
  const conns = `${ctx.connections} conns, ${(ctx.fileBytes / MIB).toFixed(2)} MiB`;

  let rssBefore: number | null = null;
  let rssPeak: number | null = null;
  let upload: TransferResult | null = null;
  let download: TransferResult | null = null;
  let floor: { result: ScenarioResult; mibPerSec: number } | null = null;
  try {
    rssBefore = await rssNowMb(target);
    const peak = sampleRss(target);
    try {
      if (ctx.upload) {
        process.stdout.write(`  ${ctx.titles.upload} [${ctx.db}, ${conns}] ... `);
        const uploads = { ...transferOptions, sentBytes: ctx.fileBytes, onJson: collect };
        if (ctx.warmupSeconds > 0) {
          await transfer(target.url, uploadRequest, { ...uploads, seconds: ctx.warmupSeconds });
          await ctx.settle();
        }
        const rss = sampleRss(target);
        upload = await transfer(target.url, uploadRequest, { ...uploads, seconds: ctx.seconds });
        upload.rssMaxMb = await rss.stop();
        await ctx.settle();
        ctx.log(describeTransfer(upload));
        scenarios.push(
          asScenario('attachment-upload', ctx.titles.upload, ctx.db, 'service', upload),
        );
      }
      if (ctx.download) {
        if (uploaded.length === 0) {
          // A2 alone (--only attachment-download): one upload, not measured, gives it its file.
          const one = await transfer(target.url, uploadRequest, {
            connections: 1,
            seconds: 0,
            sentBytes: ctx.fileBytes,
            onJson: collect,
          });
          if (uploaded.length === 0) {
            throw new Error(
              `uploading the file to download failed: ${JSON.stringify(one.statusCodes)}`,
            );
          }
        }
        const downloadRequest: TransferRequest = {
          method: 'GET',
          path: `/api/v1/attachments/${uploaded[0]}/content`,
          headers: bearer(ctx.token),
        };
        process.stdout.write(`  ${ctx.titles.download} [${ctx.db}, ${conns}] ... `);
        download = await measureDownload(target, downloadRequest, ctx);
        ctx.log(describeTransfer(download));
        scenarios.push(
          asScenario('attachment-download', ctx.titles.download, ctx.db, 'service', download),
        );
      }
    } finally {
      // The service's part ends here: the floor's load is not the service's memory.
      rssPeak = await peak.stop();
    }

    if (ctx.download && ctx.floor) floor = await measureFileFloor(filePath, ctx);
  } finally {
    // Also after a failure: the next run must find the same data, and the disk its space.
    rmSync(filePath, { force: true });
    const failed = await deleteUploads(target.url, ctx.token, uploaded);
    if (failed > 0) problems.push(`A1/A2: ${failed} of ${uploaded.length} uploads not deleted`);
  }

  const growth =
    rssBefore !== null && rssPeak !== null
      ? Math.round(Math.max(0, rssPeak - rssBefore) * 10) / 10
      : null;
  const ratioOf = (a: number | undefined, b: number | null): number | null =>
    a === undefined || b === null || b <= 0 ? null : Math.round((a / b) * 100) / 100;
  return {
    scenarios,
    floor: floor?.result ?? null,
    problems,
    summary: {
      fileBytes: ctx.fileBytes,
      connections: ctx.connections,
      uploaded: uploaded.length,
      uploadMibPerSec: upload?.mibPerSec ?? null,
      downloadMibPerSec: download?.mibPerSec ?? null,
      floorMibPerSec: floor?.mibPerSec ?? null,
      downloadToFloor: ratioOf(download?.mibPerSec, floor?.mibPerSec ?? null),
      rss: { beforeMb: rssBefore, peakMb: rssPeak, growthMb: growth },
    },
  };
}
