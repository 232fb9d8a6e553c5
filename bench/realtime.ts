/**
 * The real-time benchmark (issue 14): `npm run bench:realtime` (full: 2,000 sockets) or
 * `npm run bench:realtime -- --smoke`. Two built service processes on one fresh database and
 * Redis: A holds every socket, B takes the writes (10 PATCHes a second over `--users` users'
 * tasks). For each write it measures, per client that should receive it, the time from B's
 * response to the event's arrival on A's socket, and counts lost and duplicated events; it
 * samples A's RSS. The database is dropped and the Redis keys deleted afterwards.
 */
import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { loadConfig, loadDotEnv, processEnv } from '../src/config/env';
import { ensureFreshBuild, freePort, Managed, rssOfPid, startService } from './processes';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean' },
    clients: { type: 'string' },
    users: { type: 'string' },
    'writes-per-second': { type: 'string' },
    duration: { type: 'string' },
  },
});
const smoke = values.smoke === true;
const CLIENTS = Number(values.clients ?? (smoke ? 20 : 2000));
const USERS = Number(values.users ?? (smoke ? 5 : 100));
const WPS = Number(values['writes-per-second'] ?? 10);
const DURATION_S = Number(values.duration ?? (smoke ? 3 : 30));
const DRAIN_MS = 3000;

interface Session {
  id: number;
  token: string;
  taskId: number;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function json<T>(url: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
  });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status}`);
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
    body: JSON.stringify({ title: 'bench 0' }),
  });
  return { id: registered.user.id, token: login.token, taskId: task.id };
}

async function main(): Promise<void> {
  loadDotEnv();
  const base = loadConfig(processEnv());
  const db = `bench_rt_${Date.now().toString(36)}`;
  ensureFreshBuild();
  const env: Record<string, string | undefined> = {
    ...process.env,
    DB_NAME: db,
    REDIS_KEY_PREFIX: `${db}:`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    JWT_EXPIRES_IN: '1h',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
  };
  const logs = mkdtempSync(join(tmpdir(), 'bench-rt-'));
  const services: Managed[] = [];
  const sockets: WebSocket[] = [];
  try {
    const a = await startService(env, await freePort(), join(logs, 'a.log'));
    services.push(a);
    const b = await startService(env, await freePort(), join(logs, 'b.log'));
    services.push(b);
    const users: Session[] = [];
    for (let i = 0; i < USERS; i += 1) users.push(await signUp(b.url, i));

    // received[client][seq] = arrivals; latencies in ms from B's response to arrival.
    const sentAt = new Map<number, number>();
    const writeOf = new Map<number, number>(); // seq -> user index
    const received: Array<Map<number, number>> = [];
    const latencies: number[] = [];
    const wsUrl = `${a.url.replace('http', 'ws')}/api/v1/ws`;
    for (let c = 0; c < CLIENTS; c += 1) {
      const user = users[c % USERS];
      const counts = new Map<number, number>();
      received.push(counts);
      const socket = new WebSocket(wsUrl);
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token: user.token })));
        socket.on('message', (data) => {
          const message = JSON.parse((data as Buffer).toString('utf8')) as {
            type: string;
            event?: string;
            data?: { task?: { title: string } };
          };
          if (message.type === 'ready') resolve();
          const title = message.data?.task?.title;
          if (message.event !== 'task.updated' || !title?.startsWith('bench ')) return;
          const seq = Number(title.slice(6));
          const at = sentAt.get(seq);
          if (at !== undefined) latencies.push(Date.now() - at);
          counts.set(seq, (counts.get(seq) ?? 0) + 1);
        });
      });
    }

    let rssMax = rssOfPid(a.pid) ?? 0;
    const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, rssOfPid(a.pid) ?? 0)), 250);
    const writes = Math.round(DURATION_S * WPS);
    const started = Date.now();
    const inFlight: Array<Promise<void>> = [];
    for (let seq = 1; seq <= writes; seq += 1) {
      const wait = started + (seq - 1) * (1000 / WPS) - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const u = seq % USERS;
      writeOf.set(seq, u);
      inFlight.push(
        json(`${b.url}/api/v1/tasks/${users[u].taskId}`, {
          method: 'PATCH',
          token: users[u].token,
          body: JSON.stringify({ title: `bench ${seq}` }),
        }).then(() => void sentAt.set(seq, Date.now())),
      );
    }
    await Promise.all(inFlight);
    await new Promise((r) => setTimeout(r, DRAIN_MS));
    clearInterval(rssTimer);

    let expected = 0;
    let lost = 0;
    let duplicated = 0;
    for (let c = 0; c < CLIENTS; c += 1) {
      for (const [seq, u] of writeOf) {
        if (u !== c % USERS) continue;
        expected += 1;
        const n = received[c].get(seq) ?? 0;
        if (n === 0) lost += 1;
        if (n > 1) duplicated += n - 1;
      }
    }
    latencies.sort((x, y) => x - y);
    const result = {
      clients: CLIENTS,
      users: USERS,
      writes,
      writes_per_second: WPS,
      expected_deliveries: expected,
      lost,
      duplicated,
      p50_ms: percentile(latencies, 50),
      p99_ms: percentile(latencies, 99),
      rss_mb_socket_instance: Math.round(rssMax / 1024 / 1024),
      targets: { p99_ms: 200, rss_mb: 300 },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const socket of sockets) socket.terminate();
    await Promise.all(services.map((s) => s.stop()));
    const connection = await createConnection({
      host: base.db.host,
      port: base.db.port,
      user: base.db.user,
      password: base.db.password,
    });
    await connection.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await connection.end();
    const redis = new Redis({ host: base.redis.host, port: base.redis.port, password: base.redis.password });
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${db}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
