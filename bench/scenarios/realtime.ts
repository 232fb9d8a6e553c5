/**
 * Scenario `realtime` (issue 14): WebSocket fan-out across instances. Two built service
 * processes on a fresh database (dropped afterwards, its Redis keys deleted) share one Redis:
 * A holds every socket (`clients`, each authenticated as one of `users` users), B takes the
 * writes (`writesPerSecond` PATCHes of those users' own tasks, round robin, for `durationSec`).
 *
 * For each write and each client of its user it records when the event reached the socket;
 * the fan-out latency is that time minus the moment the harness had B's response (an event that
 * arrives before the response has been read counts as 0 ms, and is counted). Per client it
 * counts the events expected, received, lost (never arrived), duplicated (arrived more than
 * once) and foreign (another user's task: must never happen). A's RSS is sampled throughout.
 *
 * The sockets run in the harness process, on the cores of the two services: each message is
 * matched with a regular expression rather than parsed, to keep the harness's share small.
 */
import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import type { AppConfig } from '../../src/config/env';
import { deleteKeys } from '../datasets';
import { latencySummary, LoadResult, rssNowMb, sampleRss } from '../load';
import { freePort, Managed, startService } from '../processes';

type Env = Record<string, string | undefined>;

export interface RealtimeSettings {
  clients: number;
  users: number;
  writesPerSecond: number;
  durationSec: number;
  /** The services' LOG_LEVEL. */
  logLevel: string;
}

export interface RealtimeResult extends RealtimeSettings {
  writes: number;
  /** Writes B did not answer with 200 (their events are not expected). */
  writeErrors: number;
  /** Deliveries that should happen: for each write, one per client of the task's user. */
  expected: number;
  received: number;
  lost: number;
  duplicated: number;
  /** Events of another user's task: must be 0. */
  foreign: number;
  clientsWithLoss: number;
  clientsWithDuplicates: number;
  /** Deliveries that arrived before the harness had read B's response (counted as 0 ms). */
  beforeResponse: number;
  /** Fan-out latency of the first arrival of each expected delivery, in ms. */
  latencyMs: LoadResult['latencyMs'];
  /**
   * The latency in two parts, by the event's stream id (its append time on Redis's clock, the
   * same machine): B's response to the append (per write: outbox, relay, queue, dispatch), and
   * the append to the arrival (per delivery: XREAD on A, the send, the harness's socket).
   */
  stagesMs: {
    toStream: { p50: number; p99: number };
    streamToSocket: { p50: number; p99: number };
  };
  /** Socket instance A: RSS once every socket is ready, and the peak until the end. */
  rssReadyMb: number | null;
  rssPeakMb: number | null;
  /** Load average (1, 5, 15 min) at the start and the end of the measured part. */
  loadAverage: { start: string; end: string };
  targets: { p99Ms: number; rssMb: number };
  met: boolean;
}

export const REALTIME_TARGETS = { p99Ms: 200, rssMb: 300 } as const;

/** The full run's size (the issue's) and the smoke run's. */
export const REALTIME_DEFAULTS = {
  full: { clients: 2000, users: 100, writesPerSecond: 10, durationSec: 30 },
  smoke: { clients: 20, users: 5, writesPerSecond: 10, durationSec: 3 },
} as const;

/** After the last write, how long missing events are waited for before counting them lost. */
const DRAIN_TIMEOUT_MS = 10_000;
/** After everything arrived, how long duplicates still have to show up. */
const DUPLICATE_GRACE_MS = 1000;
const SIGNUP_CONCURRENCY = 4;
const CONNECT_CONCURRENCY = 50;
const TITLE_PREFIX = 'rt-bench ';
/** A `task.updated` of the scenario: the stream id's time (ms, Redis's clock) and the write. */
const UPDATE_PATTERN = /"id":"(\d+)-\d+","event":"task\.updated".*?"title":"rt-bench (\d+)"/;

interface Session {
  id: number;
  token: string;
  taskId: number;
}

async function json<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
  });
  if (!response.ok) {
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as T;
}

async function signUp(base: string, n: number): Promise<Session> {
  const tag = `${randomBytes(4).toString('hex')}${n}`;
  const body = { username: `rt_${tag}`, email: `rt.${tag}@example.com`, password: `pw-${tag}-x` };
  const registered = await json<{ user: { id: number } }>(`${base}/api/v1/auth/register`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  const login = await json<{ token: string }>(`${base}/api/v1/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ email: body.email, password: body.password }),
  });
  const task = await json<{ id: number }>(`${base}/api/v1/tasks`, {
    method: 'POST',
    token: login.token,
    body: JSON.stringify({ title: `${TITLE_PREFIX}0` }),
  });
  return { id: registered.user.id, token: login.token, taskId: task.id };
}

/** Runs `work(i)` for i in [0, n) with at most `limit` at once, in order of start. */
async function inBatches(n: number, limit: number, work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

const loadNow = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** One client: its user, and per write sequence number the arrival times (ms, performance). */
interface Client {
  user: number;
  socket: WebSocket;
  arrivals: Map<number, number[]>;
  foreign: number;
}

function connect(
  url: string,
  user: number,
  token: string,
  writeOf: Map<number, number>,
  appendedAt: Map<number, number>,
) {
  return new Promise<Client>((resolve, reject) => {
    const socket = new WebSocket(url);
    const client: Client = { user, socket, arrivals: new Map(), foreign: 0 };
    const timer = setTimeout(() => reject(new Error('no `ready` within 30 s')), 30_000);
    // Kept for the socket's life: an error with no listener would end the harness.
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
    socket.on('message', (data) => {
      const at = performance.now();
      const text = (data as Buffer).toString('utf8');
      const match = UPDATE_PATTERN.exec(text);
      if (match) {
        const seq = Number(match[2]);
        appendedAt.set(seq, Number(match[1]));
        if (writeOf.get(seq) !== user) client.foreign += 1;
        const list = client.arrivals.get(seq);
        if (list) list.push(at);
        else client.arrivals.set(seq, [at]);
      } else if (text.startsWith('{"type":"ready"')) {
        clearTimeout(timer);
        resolve(client);
      }
    });
  });
}

/** Runs the scenario once; `log` prints progress. */
export async function runRealtimeScenario(
  base: AppConfig,
  env: Env,
  settings: RealtimeSettings,
  log: (line: string) => void,
): Promise<RealtimeResult> {
  const db = `bench_rt_${Date.now().toString(36)}`;
  const serviceEnv: Env = {
    ...env,
    NODE_ENV: 'production',
    DB_NAME: db,
    REDIS_KEY_PREFIX: `${db}:`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    JWT_EXPIRES_IN: '1h',
    LOG_LEVEL: settings.logLevel,
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
  };
  const logs = mkdtempSync(join(tmpdir(), 'bench-rt-'));
  const services: Managed[] = [];
  const clients: Client[] = [];
  try {
    log(`realtime: starting instances A (sockets) and B (writes) on ${db}, logs in ${logs}`);
    // One after the other: the first runs the migrations of the fresh database.
    const a = await startService(serviceEnv, await freePort(), join(logs, 'a.log'));
    services.push(a);
    const b = await startService(serviceEnv, await freePort(), join(logs, 'b.log'));
    services.push(b);

    const users: Session[] = new Array<Session>(settings.users);
    await inBatches(settings.users, SIGNUP_CONCURRENCY, async (i) => {
      users[i] = await signUp(b.url, i);
    });
    const writeOf = new Map<number, number>(); // sequence number -> user index
    const appendedAt = new Map<number, number>(); // sequence number -> stream id time (epoch ms)
    const wsUrl = `${a.url.replace('http', 'ws')}/api/v1/ws`;
    log(`realtime: ${settings.users} users signed up; connecting ${settings.clients} sockets to A`);
    await inBatches(settings.clients, CONNECT_CONCURRENCY, async (c) => {
      const user = c % settings.users;
      clients[c] = await connect(wsUrl, user, users[user].token, writeOf, appendedAt);
    });
    const rssReadyMb = await rssNowMb({ url: a.url, pid: a.pid, metrics: false });
    const rss = sampleRss({ url: a.url, pid: a.pid, metrics: false });
    const loadStart = loadNow();

    const writes = Math.round(settings.durationSec * settings.writesPerSecond);
    log(`realtime: ${writes} writes on B at ${settings.writesPerSecond}/s`);
    const answeredAt = new Map<number, number>();
    let writeErrors = 0;
    const inFlight: Array<Promise<void>> = [];
    const started = performance.now();
    for (let seq = 1; seq <= writes; seq += 1) {
      const wait = started + (seq - 1) * (1000 / settings.writesPerSecond) - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const u = seq % settings.users;
      writeOf.set(seq, u);
      inFlight.push(
        fetch(`${b.url}/api/v1/tasks/${users[u].taskId}`, {
          method: 'PATCH',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${users[u].token}`,
          },
          body: JSON.stringify({ title: `${TITLE_PREFIX}${seq}` }),
        }).then(
          async (response) => {
            const at = performance.now();
            await response.arrayBuffer();
            if (response.ok) answeredAt.set(seq, at);
            else writeErrors += 1;
          },
          () => void (writeErrors += 1),
        ),
      );
    }
    await Promise.all(inFlight);

    const expectedOf = (client: Client): number[] =>
      [...answeredAt.keys()].filter((seq) => writeOf.get(seq) === client.user);
    const missing = (): number =>
      clients.reduce(
        (sum, client) => sum + expectedOf(client).filter((seq) => !client.arrivals.has(seq)).length,
        0,
      );
    const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (missing() > 0 && Date.now() < drainDeadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, DUPLICATE_GRACE_MS));
    const rssPeakMb = await rss.stop();
    const loadEnd = loadNow();

    let expected = 0;
    let received = 0;
    let lost = 0;
    let duplicated = 0;
    let foreign = 0;
    let beforeResponse = 0;
    let clientsWithLoss = 0;
    let clientsWithDuplicates = 0;
    const latencies: number[] = [];
    const streamToSocket: number[] = [];
    // performance.now() to epoch ms, to compare with the stream ids' times.
    const epoch = (at: number): number => performance.timeOrigin + at;
    for (const client of clients) {
      let clientLost = 0;
      let clientDuplicated = 0;
      foreign += client.foreign;
      for (const seq of expectedOf(client)) {
        expected += 1;
        const arrivals = client.arrivals.get(seq);
        if (!arrivals) {
          clientLost += 1;
          continue;
        }
        received += 1;
        clientDuplicated += arrivals.length - 1;
        const latency = arrivals[0] - answeredAt.get(seq)!;
        const appended = appendedAt.get(seq);
        if (appended !== undefined) streamToSocket.push(epoch(arrivals[0]) - appended);
        if (latency < 0) beforeResponse += 1;
        latencies.push(Math.max(0, latency));
      }
      lost += clientLost;
      duplicated += clientDuplicated;
      if (clientLost > 0) clientsWithLoss += 1;
      if (clientDuplicated > 0) clientsWithDuplicates += 1;
    }
    const latencyMs = latencySummary(latencies);
    const toStream = [...answeredAt]
      .filter(([seq]) => appendedAt.has(seq))
      .map(([seq, at]) => appendedAt.get(seq)! - epoch(at));
    const halves = (samples: number[]) => {
      const { p50, p99 } = latencySummary(samples);
      return { p50, p99 };
    };
    const met =
      latencies.length > 0 &&
      latencyMs.p99 < REALTIME_TARGETS.p99Ms &&
      rssPeakMb !== null &&
      rssPeakMb < REALTIME_TARGETS.rssMb &&
      lost === 0 &&
      duplicated === 0 &&
      foreign === 0 &&
      writeErrors === 0;
    return {
      ...settings,
      writes,
      writeErrors,
      expected,
      received,
      lost,
      duplicated,
      foreign,
      clientsWithLoss,
      clientsWithDuplicates,
      beforeResponse,
      latencyMs,
      stagesMs: { toStream: halves(toStream), streamToSocket: halves(streamToSocket) },
      rssReadyMb,
      rssPeakMb,
      loadAverage: { start: loadStart, end: loadEnd },
      targets: { ...REALTIME_TARGETS },
      met,
    };
  } finally {
    for (const client of clients) client?.socket.terminate();
    await Promise.all(services.map((s) => s.stop()));
    await dropRun(base, db);
  }
}

/** Drops the run's database and deletes the Redis keys under its prefix, nothing else. */
async function dropRun(base: AppConfig, db: string): Promise<void> {
  const connection = await createConnection({
    host: base.db.host,
    port: base.db.port,
    user: base.db.user,
    password: base.db.password,
  });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${db}\``);
  } finally {
    await connection.end();
  }
  const redis = new Redis({
    host: base.redis.host,
    port: base.redis.port,
    password: base.redis.password,
    db: base.redis.db,
  });
  try {
    await deleteKeys(redis, `${db}:*`);
  } finally {
    redis.disconnect();
  }
}

/** One line per figure, for the console. */
export function describeRealtime(r: RealtimeResult): string {
  return (
    `${r.clients} clients, ${r.writes} writes: p50 ${r.latencyMs.p50} / p99 ${r.latencyMs.p99} ms ` +
    `(to the stream ${r.stagesMs.toStream.p50} / ${r.stagesMs.toStream.p99}, then to the socket ` +
    `${r.stagesMs.streamToSocket.p50} / ${r.stagesMs.streamToSocket.p99}), ` +
    `${r.received}/${r.expected} received, ${r.lost} lost, ${r.duplicated} duplicated, ` +
    `${r.foreign} foreign, RSS A ${r.rssPeakMb ?? 'n/a'} MB, load ${r.loadAverage.end}`
  );
}
