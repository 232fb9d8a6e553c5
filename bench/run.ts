/**
 * The benchmark harness (issue 6): `npm run bench` and `npm run bench:smoke`.
 * See bench/README.md for what it measures, its options and where results go.
 */
import { JwtService } from '@nestjs/jwt';
import Redis from 'ioredis';
import { createConnection, type Pool, type RowDataPacket } from 'mysql2/promise';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs, ParseArgsConfig } from 'node:util';
import { jwtSignOptions } from '../src/auth/jwt-claims';
import { roleCode } from '../src/projects/project-role';
import { AppConfig, loadConfig, loadDotEnv, processEnv } from '../src/config/env';
import { prng } from '../scripts/seed-support';
import {
  BENCH_TITLE_PREFIX,
  benchTaskIds,
  cleanup,
  DatasetInfo,
  deleteKeys,
  DatasetSpec,
  describeDataset,
  ensureSeeded,
  openPool,
  ownedTaskIds,
} from './datasets';
import {
  fire,
  latencySummary,
  LoadResult,
  measure,
  observeCache,
  RequestPlan,
  metricValue,
  sampleMetricMax,
  sampleRss,
  scrapeMetrics,
  summarize,
  Tally,
  tally,
  Target,
} from './load';
import { ensureFreshBuild, freePort, Managed, ROOT, startFloor, startService } from './processes';
import { BenchReport, GrowthRow, ratio, ScenarioResult, TargetCheck, toMarkdown } from './report';
import { runAttachmentScenarios } from './scenarios/attachments';
import {
  describeRealtime,
  REALTIME_DEFAULTS,
  REALTIME_TARGETS,
  runRealtimeScenario,
} from './scenarios/realtime';
import {
  GRAPHQL_SCENARIOS,
  GraphqlScenarioId,
  graphqlTargetChecks,
  runGraphqlScenarios,
} from './scenarios/graphql';
import { READ_SCENARIOS, ReadScenario, ReadScenarioId, Reader } from './scenarios/reads';

type Env = Record<string, string | undefined>;

interface Options {
  smoke: boolean;
  duration: number;
  warmup: number;
  connections: number;
  listConnections: number;
  writeConnections: number;
  loginConnections: number;
  transferConnections: number;
  attachmentBytes: number;
  realtimeClients: number;
  realtimeUsers: number;
  realtimeSeconds: number;
  users: number;
  smallTasks: number;
  largeTasks: number;
  smallDb: string;
  largeDb: string;
  password: string;
  only: Set<string> | null;
  growth: boolean;
  floors: boolean;
  seed: boolean;
  reseed: boolean;
  build: boolean;
  out: string;
  logLevel: string;
  benchUrl?: string;
}

const USAGE = `npm run bench -- [options]      (npm run bench:smoke for the CI smoke run)
  --smoke                 tiny run: 1 s per scenario, 5 connections, 500/2,000-task databases
  --duration <s>          measured seconds per scenario (10; smoke 1)
  --warmup <s>            warm-up seconds per scenario, discarded (3; smoke 0.5)
  --connections <n>       scenarios 1, 2, 8 and the cached-read floor (50; smoke 5)
  --list-connections <n>  scenarios 3-5 and T1-T4 (10; smoke 5)
  --write-connections <n> scenarios 6, 7, T5 and the create floor (10; smoke 5)
  --login-connections <n> the login flood of scenario 8 (8; smoke 2)
  --transfer-connections <n> uploads and downloads, A1/A2 and the file floor (4)
  --attachment-kib <n>    size of the file A1/A2 upload and download (5120 = 5 MiB; smoke 256)
  --realtime-clients <n>  WebSockets on instance A in scenario realtime (2000; smoke 20)
  --realtime-users <n>    users those sockets belong to, whose tasks B writes (100; smoke 5)
  --realtime-seconds <s>  seconds of writes at 10/s in scenario realtime (30; smoke 3)
  --users <n>             seeded users per database (1000; smoke 20)
  --small-tasks <n>       tasks in the small database (10000; smoke 500)
  --large-tasks <n>       tasks in the large database (1000000; smoke 2000)
  --small-db <name>       (taskdb_bench_10k; smoke taskdb_bench_smoke_s)
  --large-db <name>       (taskdb_bench_1m; smoke taskdb_bench_smoke)
  --password <pw>         the seeded users' password (seed-password-123)
  --only <ids>            comma list of scenario ids to run (e.g. get-hit,create; realtime)
  --no-growth             skip the small database (growth ratios)
  --no-floors             skip the bare Fastify/mysql2 floors
  --no-seed               fail instead of seeding a database that is not seeded
  --reseed                drop the bench databases and seed them again
  --no-build              use dist/ as it is (default: npm run build when stale)
  --out <dir>             results directory (bench/results)
  --log-level <level>     the service's LOG_LEVEL (info)
Env: BENCH_URL targets a running service instead of starting one (no growth, RSS from
/metrics); DB_*, REDIS_* as for the service.`;

/** The command line of USAGE, for `util.parseArgs` (strict: unknown options are errors). */
const CLI_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  smoke: { type: 'boolean' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  connections: { type: 'string' },
  'list-connections': { type: 'string' },
  'write-connections': { type: 'string' },
  'login-connections': { type: 'string' },
  'transfer-connections': { type: 'string' },
  'attachment-kib': { type: 'string' },
  'realtime-clients': { type: 'string' },
  'realtime-users': { type: 'string' },
  'realtime-seconds': { type: 'string' },
  users: { type: 'string' },
  'small-tasks': { type: 'string' },
  'large-tasks': { type: 'string' },
  'small-db': { type: 'string' },
  'large-db': { type: 'string' },
  password: { type: 'string' },
  only: { type: 'string' },
  'no-growth': { type: 'boolean' },
  'no-floors': { type: 'boolean' },
  'no-seed': { type: 'boolean' },
  reseed: { type: 'boolean' },
  'no-build': { type: 'boolean' },
  out: { type: 'string' },
  'log-level': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];
/** The options that take a value (a typo in a `num`/`str` name is a compile error). */
type ValueOption = {
  [K in keyof typeof CLI_OPTIONS]: (typeof CLI_OPTIONS)[K]['type'] extends 'string' ? K : never;
}[keyof typeof CLI_OPTIONS];

function readCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: CLI_OPTIONS, strict: true }).values;
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
}

function parseOptions(argv: string[], env: Env): Options {
  const values = readCommandLine(argv);
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const smoke = values.smoke === true;
  const num = (name: ValueOption, full: number, small: number, min = 0.001): number => {
    const raw = values[name];
    if (raw === undefined) return smoke ? small : full;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  const str = (name: ValueOption, full: string, small: string): string =>
    values[name] ?? (smoke ? small : full);
  const only = str('only', '', '');
  const options: Options = {
    smoke,
    duration: num('duration', 10, 1),
    warmup: num('warmup', 3, 0.5, 0),
    connections: Math.round(num('connections', 50, 5, 1)),
    listConnections: Math.round(num('list-connections', 10, 5, 1)),
    writeConnections: Math.round(num('write-connections', 10, 5, 1)),
    loginConnections: Math.round(num('login-connections', 8, 2, 1)),
    transferConnections: Math.round(num('transfer-connections', 4, 4, 1)),
    attachmentBytes: Math.round(num('attachment-kib', 5120, 256, 1) * 1024),
    realtimeClients: Math.round(
      num('realtime-clients', REALTIME_DEFAULTS.full.clients, REALTIME_DEFAULTS.smoke.clients, 1),
    ),
    realtimeUsers: Math.round(
      num('realtime-users', REALTIME_DEFAULTS.full.users, REALTIME_DEFAULTS.smoke.users, 1),
    ),
    realtimeSeconds: num(
      'realtime-seconds',
      REALTIME_DEFAULTS.full.durationSec,
      REALTIME_DEFAULTS.smoke.durationSec,
      1,
    ),
    users: Math.round(num('users', 1000, 20, 5)),
    smallTasks: Math.round(num('small-tasks', 10_000, 500, 1)),
    largeTasks: Math.round(num('large-tasks', 1_000_000, 2000, 1)),
    smallDb: str('small-db', 'taskdb_bench_10k', 'taskdb_bench_smoke_s'),
    largeDb: str('large-db', 'taskdb_bench_1m', 'taskdb_bench_smoke'),
    password: str('password', 'seed-password-123', 'seed-password-123'),
    only: only ? new Set(only.split(',').map((s) => s.trim())) : null,
    growth: !values['no-growth'],
    floors: !values['no-floors'],
    seed: !values['no-seed'],
    reseed: values.reseed === true,
    build: !values['no-build'],
    out: str('out', join(ROOT, 'bench', 'results'), join(ROOT, 'bench', 'results')),
    logLevel: str('log-level', 'info', 'warn'),
    benchUrl: env.BENCH_URL?.trim() || undefined,
  };
  for (const db of [options.smallDb, options.largeDb]) {
    if (!/^[A-Za-z0-9_$]{1,64}$/.test(db)) throw new Error(`bad database name ${db}`);
  }
  return options;
}

/** The scenarios, in the order the report lists them. */
const SCENARIOS = {
  'get-hit': '1. GET /tasks/{id}, cache hit',
  'get-miss': '2. GET /tasks/{id}, cache miss',
  'list-default': '3. GET /tasks default page, normal user',
  'list-default-heavy': '3h. GET /tasks default page, heavy user',
  'list-filtered':
    '4. GET /tasks?status=pending,in_progress&priority=high&sort=due_date, heavy user',
  'search-latin': '5a. GET /tasks?q=report, heavy user',
  'search-chinese': '5b. GET /tasks?q=项目, heavy user',
  create: '6. POST /tasks',
  patch: '7. PATCH /tasks/{id}',
  'login-flood': '8. scenario 1 during a login flood',
  overload: '10. GET /tasks at 500 connections (load shedding), heavy user',
  'team-list-default': 'T1. GET /tasks default page, member of the team project',
  'team-list-filtered':
    'T2. GET /tasks?status=pending,in_progress&priority=high&sort=due_date, team member',
  'team-search-latin': 'T3a. GET /tasks?q=report, team member',
  'team-search-chinese': 'T3b. GET /tasks?q=项目, team member',
  'team-stats': 'T4. GET /tasks/stats, team member',
  'create-team': 'T5. POST /tasks into the team project',
  'member-add': 'T6. PUT /projects/{id}/members/{user_id} adding a user to the team project',
  'member-remove': 'T7. DELETE /projects/{id}/members/{user_id} removing it again',
  // Issue 13. Its comment, activity and label-filter reads go with R1/R2 (bench/scenarios/reads.ts).
  'report-completion': 'R1. GET /reports/completion, a year by day (Asia/Shanghai), heavy user',
  'report-workload': 'R2. GET /reports/workload, heavy user',
  'comments-list': 'R3. GET /tasks/{id}/comments?page_size=100, a task with 1,000 comments',
  'activity-list': 'R4. GET /tasks/{id}/activity?page_size=100, a task with 1,000 entries',
  'label-filter': 'R5. GET /tasks?project_id={team}&label={name}, 2,000 of 100,000 tasks labelled',
  'attachment-upload': 'A1. POST /tasks/{id}/attachments (multipart, one file part)',
  'attachment-download': 'A2. GET /attachments/{id}/content',
  // Issue 16: GraphQL next to the REST requests of the same screen (bench/scenarios/graphql.ts).
  ...GRAPHQL_SCENARIOS,
} as const;
type ScenarioId = keyof typeof SCENARIOS;
/** Scenario `realtime` (issue 14), outside SCENARIOS: it runs on instances and data of its own. */
const REALTIME_TITLE = 'RT. WebSocket fan-out: sockets on A, PATCHes on B at 10/s';
const GROWTH_IDS: ScenarioId[] = [
  'list-default',
  'list-default-heavy',
  'list-filtered',
  'search-latin',
  'search-chinese',
  'team-list-default',
  'team-list-filtered',
  'team-search-latin',
  'team-search-chinese',
  'team-stats',
];
/** What follows `/api/v1/tasks` in the growth scenarios' requests. */
const LIST_QUERIES: Record<string, string> = {
  'list-default': '',
  'list-default-heavy': '',
  'list-filtered': '?status=pending,in_progress&priority=high&sort=due_date',
  'search-latin': '?q=report',
  'search-chinese': `?q=${encodeURIComponent('项目')}`,
  'team-list-default': '',
  'team-list-filtered': '?status=pending,in_progress&priority=high&sort=due_date',
  'team-search-latin': '?q=report',
  'team-search-chinese': `?q=${encodeURIComponent('项目')}`,
  'team-stats': '/stats',
};
/**
 * Scenario 10 (issue 11): far more connections than the service works on at once
 * (HTTP_MAX_IN_FLIGHT, 100), in smoke runs too. The service must shed the excess with 503 and
 * Retry-After; a single 500 fails the run.
 */
const OVERLOAD_CONNECTIONS = 500;

/** Responses of a run with a 5xx status other than 503 (the 500s that overload must not cause). */
function serverErrors(result: LoadResult): number {
  return Object.entries(result.statusCodes)
    .filter(([code]) => code.startsWith('5') && code !== '503')
    .reduce((sum, [, n]) => sum + n, 0);
}

const CREATE_BODY = {
  description: 'Created by the benchmark harness',
  priority: 'high',
  due_date: '2027-01-01T00:00:00.000Z',
};

function shuffle<T>(items: T[], seed: number): T[] {
  const rand = prng(seed);
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

async function login(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) {
    throw new Error(`login of ${email} answered ${response.status}: ${await response.text()}`);
  }
  return ((await response.json()) as { token: string }).token;
}

/** Task-event jobs completed so far, and whether any are queued or waiting in the outbox. */
async function jobProgress(target: Target): Promise<{ done: number; backlog: number }> {
  const text = await scrapeMetrics(target).catch(() => '');
  const done =
    metricValue(text, 'job_duration_seconds_count', 'job="events.dispatch",outcome="completed"') ??
    0;
  const queued = ['waiting', 'active', 'delayed']
    .map((state) => metricValue(text, 'queue_jobs', `queue="events",state="${state}"`) ?? 0)
    .reduce((a, b) => a + b, 0);
  const lagging = (metricValue(text, 'outbox_lag_seconds') ?? 0) > 0 ? 1 : 0;
  return { done, backlog: queued + lagging };
}

/** Waits (at most 60 s) until no task-event job is queued and the outbox has caught up. */
async function drainJobs(target: Target): Promise<void> {
  const startedAt = Date.now();
  while ((await jobProgress(target)).backlog > 0 && Date.now() - startedAt < 60_000) {
    await new Promise((r) => setTimeout(r, 200));
  }
}

class Harness {
  private readonly report: BenchReport;
  private readonly runStartedAt = new Date();
  private readonly jwtSecret = randomBytes(48).toString('base64url');
  private readonly tmp = mkdtempSync(join(tmpdir(), 'task-bench-'));
  private readonly redis: Redis;
  private running: Managed[] = [];
  private readonly loginResults: ScenarioResult[] = [];

  constructor(
    private readonly options: Options,
    private readonly env: Env,
    private readonly base: AppConfig,
  ) {
    this.redis = new Redis({
      host: base.redis.host,
      port: base.redis.port,
      password: base.redis.password,
      db: base.redis.db,
      maxRetriesPerRequest: 2,
    });
    this.report = {
      mode: options.smoke ? 'smoke' : 'full',
      startedAt: this.runStartedAt.toISOString(),
      finishedAt: '',
      machine: {},
      settings: {
        durationSec: options.duration,
        warmupSec: options.warmup,
        connections: options.connections,
        listConnections: options.listConnections,
        writeConnections: options.writeConnections,
        loginConnections: options.loginConnections,
        transferConnections: options.transferConnections,
        attachmentBytes: options.attachmentBytes,
        realtimeClients: options.realtimeClients,
        realtimeUsers: options.realtimeUsers,
        realtimeSeconds: options.realtimeSeconds,
        target: options.benchUrl ?? 'node dist/main.js (started by the harness)',
        serviceLogLevel: options.logLevel,
      },
      datasets: [],
      scenarios: [],
      floors: [],
      floorRatios: [],
      growth: [],
      loginFlood: null,
      notApplicable: [],
      jobs: null,
      attachments: null,
      realtime: null,
      targets: [],
      problems: [],
    };
  }

  private wanted(id: string): boolean {
    return this.options.only === null || this.options.only.has(id);
  }

  /** The service's configuration for one bench database: limits raised, own key prefix. */
  private serviceEnv(db: string): Env {
    return {
      ...this.env,
      NODE_ENV: 'production',
      DB_NAME: db,
      REDIS_KEY_PREFIX: `${db}:`,
      JWT_SECRET: this.jwtSecret,
      JWT_EXPIRES_IN: '4h',
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_IP_PER_MINUTE: '1000000',
      RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
      LOG_LEVEL: this.options.logLevel,
      // Scenarios A1/A2 measure the default (local) driver; the uploads land in the run's scratch
      // directory and are deleted through the API afterwards.
      ATTACHMENT_STORAGE: 'local',
      ATTACHMENT_DIR: join(this.tmp, 'attachments'),
    };
  }

  private configFor(db: string): AppConfig {
    return loadConfig(this.serviceEnv(db));
  }

  async run(): Promise<BenchReport> {
    const { options } = this;
    if (!options.benchUrl && options.build) ensureFreshBuild();
    // `--only realtime` needs none of the seeded databases: the scenario makes its own.
    if ((Object.keys(SCENARIOS) as ScenarioId[]).some((id) => this.wanted(id))) {
      await this.runDatasetScenarios();
    } else {
      await this.describeMachine();
    }
    if (this.wanted('realtime')) await this.realtime();
    this.checkTargets();
    this.report.finishedAt = new Date().toISOString();
    return this.report;
  }

  /** Every scenario but `realtime`: on the seeded databases, with the floors and growth. */
  private async runDatasetScenarios(): Promise<void> {
    const { options } = this;
    const large: DatasetSpec = {
      db: options.largeDb,
      users: options.users,
      tasks: options.largeTasks,
    };
    const small: DatasetSpec = {
      db: options.smallDb,
      users: options.users,
      tasks: options.smallTasks,
    };
    const growth = options.growth && !options.benchUrl && GROWTH_IDS.some((id) => this.wanted(id));
    if (options.benchUrl && options.growth) {
      this.report.problems.push('growth not measured: BENCH_URL targets one running service');
    }
    const largeDb = options.benchUrl ? this.base.db.name : large.db;
    if (!options.benchUrl) {
      await ensureSeeded(this.base, this.env, large, options);
      if (growth) await ensureSeeded(this.base, this.env, small, options);
    } else {
      await ensureSeeded(this.base, this.env, { ...large, db: largeDb }, options);
    }
    await this.describeMachine();
    console.log(`server logs and scratch files: ${this.tmp}`);

    const largePool = openPool(this.configFor(largeDb));
    try {
      const largeInfo = await describeDataset(largePool, largeDb);
      await cleanup(largePool, largeInfo, this.runStartedAt);
      this.addDataset(largeInfo);

      if (options.floors) {
        await this.runFloors(largeInfo, largePool);
        // The create floor leaves thousands of `task.created` outbox rows (unpublished, as the
        // service writes them): the service started next would relay and dispatch them all
        // during its first scenarios, the cached read measured against work that is the floor's.
        await cleanup(largePool, largeInfo, this.runStartedAt);
      }

      let smallResults: ScenarioResult[] = [];
      if (growth) {
        const smallPool = openPool(this.configFor(small.db));
        try {
          const smallInfo = await describeDataset(smallPool, small.db);
          this.addDataset(smallInfo);
          smallResults = await this.withService(small.db, (target) =>
            this.runScenarios(target, smallInfo, smallPool, GROWTH_IDS),
          );
          await cleanup(smallPool, smallInfo, this.runStartedAt);
        } finally {
          await smallPool.end();
        }
      }

      const ids = Object.keys(SCENARIOS) as ScenarioId[];
      const main = options.benchUrl
        ? await this.runScenarios(
            { url: options.benchUrl, metrics: true },
            largeInfo,
            largePool,
            ids,
          )
        : await this.withService(largeDb, (target) =>
            this.runScenarios(target, largeInfo, largePool, ids),
          );
      this.report.scenarios.push(...main);
      this.growthRows(smallResults, main);
      const removed = await cleanup(largePool, largeInfo, this.runStartedAt);
      console.log(`cleanup: removed ${removed} benchmark-created tasks from ${largeDb}`);
    } finally {
      await largePool.end();
      await deleteKeys(this.redis, `${largeDb}:benchfloor:*`).catch(() => 0);
    }
  }

  /**
   * Scenario `realtime` (issue 14): two service processes of their own on a fresh database (see
   * bench/scenarios/realtime.ts); not with BENCH_URL, which names one running service.
   */
  private async realtime(): Promise<void> {
    const { options } = this;
    if (options.benchUrl) {
      this.report.notApplicable.push({
        id: 'realtime',
        title: REALTIME_TITLE,
        reason: 'needs two instances started by the harness; BENCH_URL names one running service',
      });
      return;
    }
    console.log(
      `  ${REALTIME_TITLE} [${options.realtimeClients} clients, ${options.realtimeUsers} users] ...`,
    );
    this.report.realtime = await runRealtimeScenario(
      this.base,
      this.env,
      {
        clients: options.realtimeClients,
        users: options.realtimeUsers,
        writesPerSecond: REALTIME_DEFAULTS.full.writesPerSecond,
        durationSec: options.realtimeSeconds,
        logLevel: options.logLevel,
      },
      (line) => console.log(`    ${line}`),
    );
    console.log(`    ${describeRealtime(this.report.realtime)}`);
  }

  async close(): Promise<void> {
    for (const process of this.running) await process.stop();
    this.running = [];
    this.redis.disconnect();
  }

  private addDataset(info: DatasetInfo): void {
    this.report.datasets.push({
      db: info.db,
      tasks: info.tasks,
      users: info.users,
      heavyUserId: info.heavy.id,
      team: {
        projectId: info.team.id,
        tasks: info.team.tasks,
        members: info.team.members,
        memberId: info.team.member.id,
      },
    });
  }

  private async describeMachine(): Promise<void> {
    const connection = await createConnection({
      host: this.base.db.host,
      port: this.base.db.port,
      user: this.base.db.user,
      password: this.base.db.password,
    });
    try {
      const [rows] = await connection.query<RowDataPacket[]>(
        'SELECT VERSION() AS v, @@innodb_buffer_pool_size AS bp',
      );
      const info = await this.redis.info('server');
      const cpu = cpus();
      this.report.machine = {
        cpu: `${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
        memory: `${Math.round(totalmem() / 1024 / 1024 / 1024)} GiB`,
        os: `Linux ${release()}`,
        node: process.version,
        mariadb: String(rows[0].v),
        innodbBufferPool: `${Math.round(Number(rows[0].bp) / 1024 / 1024)} MiB`,
        redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
        loadAverageAtStart: loadavg()
          .map((l) => l.toFixed(2))
          .join(' '),
        loadGenerator: 'autocannon in the harness process, on the same machine as the service',
      };
    } finally {
      await connection.end();
    }
  }

  private async withService<T>(db: string, work: (target: Target) => Promise<T>): Promise<T> {
    const port = await freePort();
    const logFile = join(this.tmp, `service-${db}.log`);
    // The queues of earlier runs: jobs of the benchmark tasks their cleanup deleted (a run stops
    // its service with PATCH and T5 events still queued). Started with them, the service would
    // fail each one during the first scenarios and keep scenario 9's backlog above zero.
    const staleJobs = await deleteKeys(this.redis, `${this.configFor(db).redis.keyPrefix}bull:*`);
    console.log(
      `starting node dist/main.js on ${db} (port ${port}, log ${logFile}; ${staleJobs} queue keys of earlier runs deleted)`,
    );
    const service = await startService(this.serviceEnv(db), port, logFile);
    this.running.push(service);
    try {
      return await work({ url: service.url, pid: service.pid, metrics: true });
    } finally {
      await service.stop();
      this.running = this.running.filter((p) => p !== service);
    }
  }

  /** A token as the service would sign it for `db` (issuer, audience and lifetime included). */
  private floorToken(db: string, userId: number): string {
    return new JwtService({
      secret: this.jwtSecret,
      signOptions: jwtSignOptions(this.configFor(db).jwt),
    }).sign({ sub: String(userId) }, { jwtid: randomUUID() });
  }

  private async runFloors(info: DatasetInfo, pool: Pool): Promise<void> {
    const { options } = this;
    const port = await freePort();
    const logFile = join(this.tmp, `floor-${info.db}.log`);
    console.log(`starting the floor server on ${info.db} (port ${port})`);
    const floor = await startFloor(this.serviceEnv(info.db), port, logFile);
    this.running.push(floor);
    const target: Target = { url: floor.url, pid: floor.pid, metrics: false };
    try {
      if (this.wanted('get-hit')) {
        const ids = await ownedTaskIds(pool, info.normal.id, 100);
        const headers = bearer(this.floorToken(info.db, info.normal.id));
        const plan: RequestPlan = {
          method: 'GET',
          next: (n) => ({ path: `/tasks/${ids[n % ids.length]}`, headers }),
        };
        await this.warmIds(
          target,
          ids.map((id) => ({ path: `/tasks/${id}`, headers })),
        );
        this.report.floors.push(
          await this.measureOne(
            'floor-cached-read',
            'floor: cached GET /tasks/{id}',
            info.db,
            'floor',
            target,
            plan,
            {
              connections: options.connections,
              observeCache: true,
              pool,
            },
          ),
        );
      }
      if (this.wanted('create')) {
        const headers = bearer(this.floorToken(info.db, info.writer.id));
        const plan: RequestPlan = {
          method: 'POST',
          next: (n) => ({
            path: '/tasks',
            headers,
            body: JSON.stringify({ title: `${BENCH_TITLE_PREFIX} floor ${n}`, ...CREATE_BODY }),
          }),
        };
        this.report.floors.push(
          await this.measureOne(
            'floor-create',
            'floor: POST /tasks (mysql2 transaction)',
            info.db,
            'floor',
            target,
            plan,
            {
              connections: options.writeConnections,
              observeCache: false,
              pool,
            },
          ),
        );
      }
    } finally {
      await floor.stop();
      this.running = this.running.filter((p) => p !== floor);
    }
  }

  /**
   * autocannon drops the requests still in flight when a run ends, but the server keeps working
   * on them (a slow search keeps MySQL busy for seconds). Waits, up to 30 s, until no other
   * connection runs a statement in `db`, so that no phase measures the leftovers of the last.
   */
  private async settle(pool: Pool, db: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const [rows] = await pool.query<RowDataPacket[]>(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND COMMAND NOT IN ('Sleep', 'Daemon') AND ID <> CONNECTION_ID()",
        [db],
      );
      if (Number(rows[0].n) === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    this.report.problems.push(`${db}: MySQL still busy 30 s after a phase ended`);
  }

  private async warmIds(
    target: Target,
    requests: Array<{ path: string; headers: Record<string, string> }>,
  ): Promise<void> {
    for (const r of requests) {
      const response = await fetch(target.url + r.path, { headers: r.headers });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`warming ${r.path} answered ${response.status}`);
    }
  }

  private async measureOne(
    id: string,
    title: string,
    db: string,
    kind: 'service' | 'floor',
    target: Target,
    plan: RequestPlan,
    opts: { connections: number; observeCache: boolean; pool: Pool },
  ): Promise<ScenarioResult> {
    process.stdout.write(`  ${title} [${db}, ${opts.connections} conns] ... `);
    const result = await measure(target, plan, {
      connections: opts.connections,
      seconds: this.options.duration,
      warmupSeconds: this.options.warmup,
      observeCache: opts.observeCache,
      settle: () => this.settle(opts.pool, db),
    });
    console.log(describe(result));
    return { id, title, db, target: kind, ...result };
  }

  private async runScenarios(
    target: Target,
    info: DatasetInfo,
    pool: Pool,
    ids: ScenarioId[],
  ): Promise<ScenarioResult[]> {
    const { options } = this;
    const wanted = ids.filter((id) => this.wanted(id));
    const results: ScenarioResult[] = [];
    const url = target.url;
    const [heavy, normal, writer, member] = await Promise.all([
      login(url, info.heavy.email, options.password),
      login(url, info.normal.email, options.password),
      login(url, info.writer.email, options.password),
      login(url, info.team.member.email, options.password),
    ]);
    const run = async (
      id: ScenarioId,
      plan: RequestPlan,
      connections: number,
      observeCache = false,
    ): Promise<ScenarioResult> => {
      const result = await this.measureOne(id, SCENARIOS[id], info.db, 'service', target, plan, {
        connections,
        observeCache,
        pool,
      });
      results.push(result);
      return result;
    };

    const hitIds = await ownedTaskIds(pool, info.normal.id, 100);
    const hitPlan: RequestPlan = {
      method: 'GET',
      next: (n) => ({
        path: `/api/v1/tasks/${hitIds[n % hitIds.length]}`,
        headers: bearer(normal),
      }),
    };
    let withoutFloodP99: number | undefined;
    if (wanted.includes('get-hit')) {
      await this.warmIds(
        target,
        hitIds.map((id) => ({ path: `/api/v1/tasks/${id}`, headers: bearer(normal) })),
      );
      withoutFloodP99 = (await run('get-hit', hitPlan, options.connections, true)).latencyMs.p99;
    }

    if (wanted.includes('get-miss')) {
      const pool2 = await this.missPool(url, info, pool, new Set(hitIds), { heavy, normal });
      const cleared = await deleteKeys(
        this.redis,
        `${this.configFor(info.db).redis.keyPrefix}cache:*`,
      );
      console.log(
        `  (cache miss: ${pool2.length} distinct (user, id) pairs; ${cleared} cache keys deleted first)`,
      );
      await run(
        'get-miss',
        {
          method: 'GET',
          next: (n) => {
            const pick = pool2[n % pool2.length];
            return { path: `/api/v1/tasks/${pick.id}`, headers: bearer(pick.token) };
          },
        },
        options.connections,
        true,
      );
    }

    if (wanted.some((id) => id.startsWith('team-'))) await this.checkTeamView(url, info, member);
    for (const id of GROWTH_IDS) {
      if (!wanted.includes(id)) continue;
      const token = id.startsWith('team-') ? member : id === 'list-default' ? normal : heavy;
      await run(
        id,
        {
          method: 'GET',
          next: () => ({ path: `/api/v1/tasks${LIST_QUERIES[id]}`, headers: bearer(token) }),
        },
        options.listConnections,
      );
    }

    const readIds = (Object.keys(READ_SCENARIOS) as ReadScenarioId[]).filter((id) =>
      wanted.includes(id),
    );
    const tokens: Record<Reader, string> = { heavy, normal, member, writer };
    for (const id of readIds) {
      const scenario: ReadScenario = READ_SCENARIOS[id];
      const path = await scenario.prepare({
        url,
        tokens,
        teamProjectId: info.team.id,
        now: this.runStartedAt,
        smoke: options.smoke,
      });
      const headers = bearer(tokens[scenario.reader]);
      // One answer first: a scenario measuring errors, or some other answer, describes nothing.
      const response = await fetch(url + path, { headers });
      const text = await response.text();
      const problem = !response.ok
        ? `answered ${response.status}: ${text.slice(0, 300)}`
        : (scenario.verify?.(JSON.parse(text)) ?? null);
      if (problem !== null) throw new Error(`${id} (${path}) on ${info.db}: ${problem}`);
      await run(id, { method: 'GET', next: () => ({ path, headers }) }, options.listConnections);
    }

    if (wanted.includes('login-flood')) {
      await this.warmIds(
        target,
        hitIds.map((id) => ({ path: `/api/v1/tasks/${id}`, headers: bearer(normal) })),
      );
      const flood = await this.loginFlood(target, info, hitPlan, pool);
      results.push(flood.withFlood);
      const base = withoutFloodP99 ?? null;
      this.report.loginFlood = {
        withoutFloodP99: base ?? Number.NaN,
        withFlood: flood.withFlood,
        logins: flood.logins,
        p99Ratio: base === null ? null : ratio(flood.withFlood.latencyMs.p99, base),
      };
      this.loginResults.push(flood.logins);
    }

    if (wanted.includes('create')) {
      // Scenario 9 rides on scenario 6: every created task is one task-event job. Rates are
      // wall-clock (the warm-up creates tasks too): from before the run until the backlog is gone.
      // The create floor writes task_events rows into the same outbox, which this service then
      // dispatches: drain those first, or they would be counted (and slow) in this scenario.
      await drainJobs(target);
      const sample = () => jobProgress(target);
      const startedAt = Date.now();
      const before = (await sample()).done;
      const lag = sampleMetricMax(target, 'outbox_lag_seconds');
      await run(
        'create',
        {
          method: 'POST',
          next: (n) => ({
            path: '/api/v1/tasks',
            headers: bearer(writer),
            body: JSON.stringify({ title: `${BENCH_TITLE_PREFIX} ${n}`, ...CREATE_BODY }),
          }),
        },
        options.writeConnections,
      );
      const loadEndedAt = Date.now();
      const afterLoad = (await sample()).done;
      let state = await sample();
      while (state.backlog > 0 && Date.now() - loadEndedAt < 60_000) {
        await new Promise((r) => setTimeout(r, 200));
        state = await sample();
      }
      const drainedAt = Date.now();
      const maxOutboxLagSeconds = await lag.stop();
      const drainSeconds = (drainedAt - loadEndedAt) / 1000;
      this.report.jobs = {
        processed: state.done - before,
        perSecondDuringLoad: (afterLoad - before) / ((loadEndedAt - startedAt) / 1000),
        drainSeconds,
        perSecondIncludingDrain: (state.done - before) / ((drainedAt - startedAt) / 1000),
        maxOutboxLagSeconds,
      };
      console.log(
        `  9. jobs under scenario 6: ${state.done - before} processed, ` +
          `${this.report.jobs.perSecondDuringLoad.toFixed(1)}/s during load, drained in ${drainSeconds.toFixed(1)} s, ` +
          `max outbox lag ${maxOutboxLagSeconds ?? 'n/a'} s`,
      );
    }

    if (wanted.includes('create-team')) {
      // Right after scenario 6 (whose job backlog it drained), with the same writer and
      // connections: only the project differs.
      await this.ensureTeamWriter(url, info);
      await run(
        'create-team',
        {
          method: 'POST',
          next: (n) => ({
            path: '/api/v1/tasks',
            headers: bearer(writer),
            body: JSON.stringify({
              title: `${BENCH_TITLE_PREFIX} team ${n}`,
              ...CREATE_BODY,
              project_id: info.team.id,
            }),
          }),
        },
        options.writeConnections,
      );
      // Its task-event jobs would otherwise run during the next scenario.
      await drainJobs(target);
    }

    if (wanted.includes('member-add') || wanted.includes('member-remove')) {
      results.push(...(await this.memberChurn(target, info, pool)));
    }

    if (wanted.includes('patch')) {
      let own = await benchTaskIds(pool, info.writer.id, 5000);
      if (own.length < 100) {
        for (let i = 0; i < 200; i += 1) {
          const response = await fetch(`${url}/api/v1/tasks`, {
            method: 'POST',
            headers: { ...bearer(writer), 'content-type': 'application/json' },
            body: JSON.stringify({ title: `${BENCH_TITLE_PREFIX} for patch ${i}`, ...CREATE_BODY }),
          });
          if (response.status !== 201)
            throw new Error(`creating a task answered ${response.status}`);
          await response.arrayBuffer();
        }
        own = await benchTaskIds(pool, info.writer.id, 5000);
      }
      await run(
        'patch',
        {
          method: 'PATCH',
          next: (n) => ({
            path: `/api/v1/tasks/${own[n % own.length]}`,
            headers: bearer(writer),
            body: JSON.stringify({ description: `Bench edit ${n}` }),
          }),
        },
        options.writeConnections,
      );
    }

    const graphqlIds = (Object.keys(GRAPHQL_SCENARIOS) as GraphqlScenarioId[]).filter((id) =>
      wanted.includes(id),
    );
    if (graphqlIds.length > 0) {
      const graphqlResults = await runGraphqlScenarios({
        target,
        db: info.db,
        token: member,
        projectId: info.team.id,
        connections: { screens: options.listConnections, requests: options.connections },
        warmupSeconds: options.warmup,
        seconds: options.duration,
        wanted: (id) => graphqlIds.includes(id),
        measure: (id, plan, connections) =>
          this.measureOne(id, SCENARIOS[id], info.db, 'service', target, plan, {
            connections,
            observeCache: false,
            pool,
          }),
        settle: () => this.settle(pool, info.db),
        log: (line) => console.log(line),
      });
      results.push(...graphqlResults);
    }

    if (wanted.includes('attachment-upload') || wanted.includes('attachment-download')) {
      await this.attachments(target, info, writer, pool, wanted, results);
    }

    // Last: the requests it admitted keep the service busy for a while after the burst.
    if (wanted.includes('overload')) {
      results.push(await this.overload(target, info, heavy, pool));
    }
    return results;
  }

  /**
   * Scenarios A1/A2: the writer uploads a file to a task of its inbox and downloads it, then the
   * file floor streams the same bytes (unless --no-floors). See bench/scenarios/attachments.ts.
   */
  private async attachments(
    target: Target,
    info: DatasetInfo,
    writer: string,
    pool: Pool,
    wanted: ScenarioId[],
    results: ScenarioResult[],
  ): Promise<void> {
    const { options } = this;
    const run = await runAttachmentScenarios({
      target,
      db: info.db,
      token: writer,
      tmp: this.tmp,
      fileBytes: options.attachmentBytes,
      connections: options.transferConnections,
      warmupSeconds: options.warmup,
      seconds: options.duration,
      upload: wanted.includes('attachment-upload'),
      download: wanted.includes('attachment-download'),
      floor: options.floors,
      titles: {
        upload: SCENARIOS['attachment-upload'],
        download: SCENARIOS['attachment-download'],
        floor: 'floor: GET of the same file, bare Fastify + fs.createReadStream',
      },
      settle: () => this.settle(pool, info.db),
      log: (line) => console.log(line),
    });
    results.push(...run.scenarios);
    if (run.floor) this.report.floors.push(run.floor);
    this.report.attachments = run.summary;
    this.report.problems.push(...run.problems);
    const s = run.summary;
    console.log(
      `  A1/A2: RSS ${s.rss.beforeMb ?? 'n/a'} MB before, peak ${s.rss.peakMb ?? 'n/a'} MB ` +
        `(+${s.rss.growthMb ?? 'n/a'} MB); download ${s.downloadMibPerSec ?? 'n/a'} vs floor ` +
        `${s.floorMibPerSec ?? 'n/a'} MiB/s (×${s.downloadToFloor ?? 'n/a'})`,
    );
  }

  /** Logins of the heavy and normal users and a few more, with their own tasks (not hitIds). */
  private async missPool(
    url: string,
    info: DatasetInfo,
    pool: Pool,
    exclude: Set<number>,
    tokens: { heavy: string; normal: string },
  ): Promise<Array<{ token: string; id: number }>> {
    const spreadTokens = await Promise.all(
      info.spread.map((u) => login(url, u.email, this.options.password)),
    );
    const owners: Array<{ userId: number; token: string; limit: number }> = [
      { userId: info.heavy.id, token: tokens.heavy, limit: 100_000 },
      { userId: info.normal.id, token: tokens.normal, limit: 20_000 },
      ...info.spread.map((u, i) => ({ userId: u.id, token: spreadTokens[i], limit: 20_000 })),
    ];
    const pairs: Array<{ token: string; id: number }> = [];
    for (const owner of owners) {
      for (const id of await ownedTaskIds(pool, owner.userId, owner.limit)) {
        if (!exclude.has(id)) pairs.push({ token: owner.token, id });
      }
    }
    return shuffle(pairs, 42);
  }

  /**
   * Seconds until the service answers `plan`'s request with 200 again after an overload burst
   * (the requests it admitted drain first); fails after 60 s, since a service that never
   * recovers is a failure of the scenario.
   */
  private async recovery(target: Target, plan: RequestPlan): Promise<number> {
    const started = Date.now();
    const request = plan.next(0);
    for (;;) {
      const response = await fetch(target.url + request.path, { headers: request.headers });
      await response.arrayBuffer();
      if (response.ok) return (Date.now() - started) / 1000;
      if (Date.now() - started > 60_000) {
        throw new Error(`still answering ${response.status} 60 s after the overload burst`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * Scenario 10: GET /tasks from OVERLOAD_CONNECTIONS connections at once, no warm-up (the
   * burst is the point). Counts the 503s, those carrying Retry-After, and any other 5xx.
   */
  private async overload(
    target: Target,
    info: DatasetInfo,
    token: string,
    pool: Pool,
  ): Promise<ScenarioResult> {
    process.stdout.write(
      `  ${SCENARIOS.overload} [${info.db}, ${OVERLOAD_CONNECTIONS} conns] ... `,
    );
    const plan: RequestPlan = {
      method: 'GET',
      next: () => ({ path: '/api/v1/tasks', headers: bearer(token) }),
    };
    let withRetryAfter = 0;
    const rss = sampleRss(target);
    const raw = await fire(
      target,
      plan,
      OVERLOAD_CONNECTIONS,
      this.options.duration,
      { n: 0 },
      (headers) => {
        if (headers['retry-after'] !== undefined || headers['Retry-After'] !== undefined)
          withRetryAfter += 1;
      },
    );
    const result = summarize(raw, await rss.stop());
    const recoverySeconds = await this.recovery(target, plan);
    await this.settle(pool, info.db);
    const shed = result.statusCodes['503'] ?? 0;
    const note =
      `${result.statusCodes['200'] ?? 0} × 200, ${shed} × 503 (${withRetryAfter} with Retry-After), ` +
      `${serverErrors(result)} × other 5xx; answered 200 again ${recoverySeconds.toFixed(1)} s after the burst`;
    console.log(`${describe(result)}; ${note}`);
    return {
      id: 'overload',
      title: SCENARIOS.overload,
      db: info.db,
      target: 'service',
      ...result,
      note,
    };
  }

  /** Scenario 1 again, with a concurrent flood of logins (bcrypt) against the same service. */
  private async loginFlood(
    target: Target,
    info: DatasetInfo,
    hitPlan: RequestPlan,
    pool: Pool,
  ): Promise<{ withFlood: ScenarioResult; logins: ScenarioResult }> {
    const { options } = this;
    const body = JSON.stringify({ email: info.flooder.email, password: options.password });
    const loginPlan: RequestPlan = {
      method: 'POST',
      next: () => ({ path: '/api/v1/auth/login', headers: {}, body }),
    };
    process.stdout.write(
      `  ${SCENARIOS['login-flood']} [${info.db}, ${options.connections} + ${options.loginConnections} login conns] ... `,
    );
    const hitCounter = { n: 0 };
    const loginCounter = { n: 0 };
    if (options.warmup > 0) {
      await Promise.all([
        fire(target, hitPlan, options.connections, options.warmup, hitCounter),
        fire(target, loginPlan, options.loginConnections, options.warmup, loginCounter),
      ]);
      await this.settle(pool, info.db);
    }
    const before = await scrapeMetrics(target).catch(() => '');
    const header = { hits: 0, misses: 0 };
    const rss = sampleRss(target);
    const [hitRaw, loginRaw] = await Promise.all([
      fire(target, hitPlan, options.connections, options.duration, hitCounter, (headers) => {
        const value = headers['x-cache'];
        if (value === 'HIT') header.hits += 1;
        else if (value === 'MISS') header.misses += 1;
      }),
      fire(target, loginPlan, options.loginConnections, options.duration, loginCounter),
    ]);
    const rssMax = await rss.stop();
    const hit: LoadResult = summarize(hitRaw, rssMax);
    hit.cache = await observeCache(target, before, header);
    const logins = summarize(loginRaw, rssMax);
    await this.settle(pool, info.db);
    console.log(`${describe(hit)}; logins: ${describe(logins)}`);
    return {
      withFlood: {
        id: 'login-flood',
        title: SCENARIOS['login-flood'],
        db: info.db,
        target: 'service',
        ...hit,
      },
      logins: {
        id: 'login-flood-logins',
        title: '8. (the flood itself) POST /auth/login',
        db: info.db,
        target: 'service',
        ...logins,
      },
    };
  }

  /**
   * The team scenarios measure a member reading the shared project: it must see every one of its
   * tasks, or their numbers would describe some other listing.
   */
  private async checkTeamView(url: string, info: DatasetInfo, token: string): Promise<void> {
    const { team } = info;
    const response = await fetch(`${url}/api/v1/tasks?project_id=${team.id}&page_size=1`, {
      headers: bearer(token),
    });
    await response.arrayBuffer();
    const total = Number(response.headers.get('x-total-count'));
    if (!response.ok || !(total >= team.tasks)) {
      throw new Error(
        `${info.db}: team member ${team.member.id} got ${response.status}, X-Total-Count ${total}, for the team project ${team.id} of ${team.tasks} tasks`,
      );
    }
  }

  /**
   * Scenario T5's writer must be an editor (or above) of the team project. The seeder makes it the
   * owner; any other writer is added as an editor by the owner, through the API so that the
   * service's shared access cache learns it too.
   */
  private async ensureTeamWriter(url: string, info: DatasetInfo): Promise<void> {
    const { team } = info;
    if (team.writerRole !== null && team.writerRole >= roleCode('editor')) return;
    const owner = await login(url, team.owner.email, this.options.password);
    const response = await fetch(`${url}/api/v1/projects/${team.id}/members/${info.writer.id}`, {
      method: 'PUT',
      headers: { ...bearer(owner), 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'editor' }),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`adding the writer to the team project answered ${response.status}: ${text}`);
    }
    team.writerRole = roleCode('editor');
  }

  /**
   * Scenarios T6 and T7: the team project's owner adds a seeded outsider as an editor and removes
   * it again, one request at a time (changes of one project's members queue on its row anyway),
   * through the warm-up (discarded) and then the measured seconds.
   */
  private async memberChurn(
    target: Target,
    info: DatasetInfo,
    pool: Pool,
  ): Promise<ScenarioResult[]> {
    const { options } = this;
    const { team } = info;
    if (team.outsiders.length === 0) {
      throw new Error(`${info.db}: every seeded user is a member of the team project`);
    }
    const owner = await login(target.url, team.owner.email, options.password);
    const call = async (into: Tally, method: 'PUT' | 'DELETE', userId: number): Promise<void> => {
      const started = performance.now();
      try {
        const response = await fetch(
          `${target.url}/api/v1/projects/${team.id}/members/${userId}`,
          method === 'PUT'
            ? {
                method,
                headers: { ...bearer(owner), 'content-type': 'application/json' },
                body: JSON.stringify({ role: 'editor' }),
                signal: AbortSignal.timeout(10_000),
              }
            : { method, headers: bearer(owner), signal: AbortSignal.timeout(10_000) },
        );
        await response.arrayBuffer();
        const elapsed = performance.now() - started;
        into.statusCodes[response.status] = (into.statusCodes[response.status] ?? 0) + 1;
        if (response.ok) into.latencies.push(elapsed);
        else into.non2xx += 1;
      } catch (error) {
        if (error instanceof Error && error.name === 'TimeoutError') into.timeouts += 1;
        else into.errors += 1;
      }
    };
    let next = 0;
    const churn = async (seconds: number, add: Tally, remove: Tally): Promise<number> => {
      const started = performance.now();
      while (performance.now() - started < seconds * 1000) {
        const user = team.outsiders[next % team.outsiders.length];
        next += 1;
        await call(add, 'PUT', user.id);
        // Also after a failed add: the next run must find the same members.
        await call(remove, 'DELETE', user.id);
      }
      return (performance.now() - started) / 1000;
    };
    process.stdout.write(
      `  T6/T7. member add + remove [${info.db}, project ${team.id} of ${team.tasks} tasks, 1 client, ${team.outsiders.length} users] ... `,
    );
    if (options.warmup > 0) {
      await churn(options.warmup, tally(), tally());
      await this.settle(pool, info.db);
    }
    const add = tally();
    const remove = tally();
    const rss = sampleRss(target);
    const seconds = await churn(options.duration, add, remove);
    const rssMaxMb = await rss.stop();
    await this.settle(pool, info.db);
    const result = (id: 'member-add' | 'member-remove', t: Tally): ScenarioResult => {
      const requests = t.latencies.length + t.non2xx;
      return {
        id,
        title: SCENARIOS[id],
        db: info.db,
        target: 'service',
        durationSec: Math.round(seconds * 100) / 100,
        connections: 1,
        requests,
        unfinished: 0,
        requestsPerSec: Math.round(requests / Math.max(seconds, 0.001)),
        latencyMs: latencySummary(t.latencies),
        errors: t.errors,
        timeouts: t.timeouts,
        non2xx: t.non2xx,
        statusCodes: t.statusCodes,
        rssMaxMb,
      };
    };
    const results = [result('member-add', add), result('member-remove', remove)];
    console.log(`add: ${describe(results[0])}; remove: ${describe(results[1])}`);
    return results;
  }

  private growthRows(small: ScenarioResult[], large: ScenarioResult[]): void {
    for (const id of GROWTH_IDS) {
      const s = small.find((r) => r.id === id);
      const l = large.find((r) => r.id === id);
      if (!s || !l) continue;
      const row: GrowthRow = {
        id,
        title: SCENARIOS[id],
        small: s,
        large: l,
        p50Ratio: ratio(l.latencyMs.p50, s.latencyMs.p50),
        p99Ratio: ratio(l.latencyMs.p99, s.latencyMs.p99),
        rpsRatio: ratio(l.requestsPerSec, s.requestsPerSec),
      };
      this.report.growth.push(row);
    }
  }

  /** Every scenario, floor and flood result, for the error check. */
  allResults(): ScenarioResult[] {
    return [
      ...this.report.scenarios,
      ...this.report.floors,
      ...this.loginResults,
      ...this.report.growth.map((g) => g.small),
    ];
  }

  private checkTargets(): void {
    const r = this.report;
    const find = (id: string) => r.scenarios.find((s) => s.id === id);
    const floor = (id: string) => r.floors.find((s) => s.id === id);
    const checks: TargetCheck[] = [];
    const clean = (s: ScenarioResult) => s.errors + s.timeouts + s.non2xx === 0 && s.requests > 0;
    const answered = (s: ScenarioResult) => s.requests > 0;

    const hit = find('get-hit');
    const readFloor = floor('floor-cached-read');
    if (readFloor && hit) {
      r.floorRatios.push({
        scenario: hit.title,
        floor: readFloor.title,
        rpsRatio: ratio(hit.requestsPerSec, readFloor.requestsPerSec),
        p99Ratio: ratio(hit.latencyMs.p99, readFloor.latencyMs.p99),
      });
    }
    const create = find('create');
    const createFloor = floor('floor-create');
    if (create && createFloor) {
      r.floorRatios.push({
        scenario: create.title,
        floor: createFloor.title,
        rpsRatio: ratio(create.requestsPerSec, createFloor.requestsPerSec),
        p99Ratio: ratio(create.latencyMs.p99, createFloor.latencyMs.p99),
      });
    }
    if (hit) {
      const share = readFloor ? ratio(hit.requestsPerSec, readFloor.requestsPerSec) : null;
      checks.push({
        target: `cached GET ≥ 70% of floor req/s, p99 < 20 ms at ${hit.connections} connections (target: 50), zero errors`,
        met: share === null ? null : share >= 0.7 && hit.latencyMs.p99 < 20 && clean(hit),
        detail: `${hit.requestsPerSec} req/s = ${share === null ? 'n/a' : `${Math.round(share * 100)}%`} of floor ${readFloor?.requestsPerSec ?? 'n/a'}; p99 ${hit.latencyMs.p99} ms; errors ${hit.errors + hit.timeouts}, non-2xx ${hit.non2xx}`,
      });
    }
    const smallOf = (id: string) => r.growth.find((g) => g.id === id)?.small;
    for (const id of [
      'list-default-heavy',
      'list-filtered',
      'team-list-default',
      'team-list-filtered',
    ]) {
      const l = find(id);
      if (!l) continue;
      const s = smallOf(id);
      checks.push({
        target: `${l.title} on ${l.db}: p99 < 50 ms and p50 ≤ 1.5× the p50 on the small db`,
        met: !answered(l)
          ? false
          : s
            ? l.latencyMs.p99 < 50 && l.latencyMs.p50 <= 1.5 * s.latencyMs.p50
            : null,
        detail: `p99 ${l.latencyMs.p99} ms, p50 ${l.latencyMs.p50} ms vs ${s ? `${s.latencyMs.p50} ms on ${s.db} (×${ratio(l.latencyMs.p50, s.latencyMs.p50) ?? 'n/a'})` : 'n/a (no small db run)'}`,
      });
    }
    for (const pair of [
      ['search-latin', 'search-chinese'],
      ['team-search-latin', 'team-search-chinese'],
    ]) {
      const searches = pair.map(find).filter((s) => s !== undefined);
      if (searches.length === 0) continue;
      const who = pair[0].startsWith('team-') ? 'team member' : 'heavy user';
      checks.push({
        target: `search by the ${who} on ${searches[0].db}: p99 < 150 ms for both terms`,
        met: searches.some((s) => !answered(s))
          ? false
          : searches.length === 2
            ? searches.every((s) => s.latencyMs.p99 < 150 && clean(s))
            : null,
        detail: searches
          .map((s) =>
            answered(s)
              ? `${s.id} p99 ${s.latencyMs.p99} ms (${s.requests} answered, ${s.non2xx} non-2xx)`
              : `${s.id}: no request answered within the ${s.durationSec} s run (${s.unfinished} unfinished)`,
          )
          .join('; '),
      });
    }
    if (create) {
      const share = createFloor ? ratio(create.requestsPerSec, createFloor.requestsPerSec) : null;
      checks.push({
        target: 'POST ≥ 50% of the bare-mysql2 floor req/s',
        met: share === null ? null : share >= 0.5,
        detail: `${create.requestsPerSec} req/s = ${share === null ? 'n/a' : `${Math.round(share * 100)}%`} of floor ${createFloor?.requestsPerSec ?? 'n/a'}`,
      });
    }
    const createTeam = find('create-team');
    if (createTeam) {
      const share = create ? ratio(createTeam.requestsPerSec, create.requestsPerSec) : null;
      checks.push({
        target: `POST into the team project ≥ 0.9× the req/s of POST into an inbox (same run, ${createTeam.connections} connections)`,
        met: share === null ? null : share >= 0.9 && clean(createTeam),
        detail: `${createTeam.requestsPerSec} vs ${create?.requestsPerSec ?? 'n/a'} req/s (×${share ?? 'n/a'}); p99 ${createTeam.latencyMs.p99} vs ${create?.latencyMs.p99 ?? 'n/a'} ms`,
      });
    }
    const churn = ['member-add', 'member-remove'].map(find).filter((s) => s !== undefined);
    if (churn.length > 0) {
      checks.push({
        target: `adding and removing a member of the team project on ${churn[0].db}: p99 < 200 ms`,
        met: churn.every((s) => answered(s) && clean(s) && s.latencyMs.p99 < 200),
        detail: churn
          .map(
            (s) =>
              `${s.id} p50 ${s.latencyMs.p50} / p99 ${s.latencyMs.p99} ms (${s.requests} answered, ${s.non2xx} non-2xx)`,
          )
          .join('; '),
      });
    }
    for (const id of Object.keys(READ_SCENARIOS) as ReadScenarioId[]) {
      const spec: ReadScenario = READ_SCENARIOS[id];
      const s = find(id);
      if (!s || spec.p99TargetMs === null) continue;
      checks.push({
        target: `${spec.targetText ?? s.title} on ${s.db}: p99 < ${spec.p99TargetMs} ms`,
        met: answered(s) && clean(s) && s.latencyMs.p99 < spec.p99TargetMs,
        detail: `p50 ${s.latencyMs.p50} / p99 ${s.latencyMs.p99} ms at ${s.connections} connections (${s.requests} answered, ${s.non2xx} non-2xx)`,
      });
    }
    checks.push(...graphqlTargetChecks(find));
    const files = r.attachments;
    if (files) {
      const mib = (files.fileBytes / 1024 / 1024).toFixed(2).replace(/\.?0+$/, '');
      const download = find('attachment-download');
      const bare = floor('floor-file-download');
      if (download) {
        if (bare) {
          r.floorRatios.push({
            scenario: download.title,
            floor: bare.title,
            rpsRatio: files.downloadToFloor,
            p99Ratio: ratio(download.latencyMs.p99, bare.latencyMs.p99),
          });
        }
        checks.push({
          target: `attachment download ≥ 50% of a bare Fastify route streaming the same ${mib} MiB file (MiB/s at ${files.connections} connections, same run)`,
          met:
            files.downloadToFloor === null ? null : files.downloadToFloor >= 0.5 && clean(download),
          detail: `${files.downloadMibPerSec ?? 'n/a'} vs ${files.floorMibPerSec ?? 'n/a'} MiB/s (×${files.downloadToFloor ?? 'n/a'}); upload ${files.uploadMibPerSec ?? 'n/a'} MiB/s`,
        });
      }
      checks.push({
        target: `service RSS grows < 32 MiB during the ${mib} MiB uploads and downloads at ${files.connections} connections`,
        met: files.rss.growthMb === null ? null : files.rss.growthMb < 32,
        detail: `before ${files.rss.beforeMb ?? 'n/a'} MB, peak ${files.rss.peakMb ?? 'n/a'} MB: +${files.rss.growthMb ?? 'n/a'} MB`,
      });
    }
    const rt = r.realtime;
    if (rt) {
      checks.push({
        target: `real-time fan-out with ${rt.clients} sockets on one instance, writes on another at ${rt.writesPerSecond}/s: p99 < ${REALTIME_TARGETS.p99Ms} ms from the write's response, socket instance RSS < ${REALTIME_TARGETS.rssMb} MB, no event lost, duplicated or sent to another user`,
        met: rt.met,
        detail: `p50 ${rt.latencyMs.p50} / p99 ${rt.latencyMs.p99} ms; RSS ${rt.rssPeakMb ?? 'n/a'} MB; ${rt.received}/${rt.expected} received, ${rt.lost} lost, ${rt.duplicated} duplicated, ${rt.foreign} foreign, ${rt.writeErrors} failed writes; load ${rt.loadAverage.start} → ${rt.loadAverage.end}`,
      });
    }
    if (r.loginFlood) {
      const f = r.loginFlood;
      checks.push({
        target: 'login flood: scenario 1 p99 ≤ 2× its p99 without the flood',
        met: f.p99Ratio === null ? null : f.p99Ratio <= 2,
        detail: `p99 ${f.withFlood.latencyMs.p99} ms with vs ${f.withoutFloodP99} ms without (×${f.p99Ratio ?? 'n/a'}); ${f.logins.requestsPerSec} logins/s`,
      });
    }
    const service = [...r.scenarios, ...r.growth.map((g) => g.small)];
    const rss = service.map((s) => s.rssMaxMb ?? 0);
    if (rss.length > 0) {
      const max = Math.max(...rss);
      checks.push({
        target: 'service RSS < 250 MB in every scenario',
        met: service.some((s) => s.rssMaxMb === null) ? null : max < 250,
        detail: `max ${max} MB`,
      });
    }
    const overload = find('overload');
    if (overload) {
      const others = serverErrors(overload);
      checks.push({
        target: `overload: GET /tasks at ${overload.connections} connections answers 200 or 503 (Retry-After), never 500`,
        met: answered(overload) && others === 0,
        detail: `${overload.note ?? ''}; ${overload.errors} errors, ${overload.timeouts} timeouts; p99 ${overload.latencyMs.p99} ms; RSS ${overload.rssMaxMb ?? 'n/a'} MB`,
      });
    }
    // Scenario 10 answers 503 by design; its own check above is the one that counts.
    const dirty = this.allResults().filter((s) => s.id !== 'overload' && !clean(s));
    checks.push({
      target: 'no errors, timeouts or non-2xx in any scenario',
      met: dirty.length === 0,
      detail:
        dirty.length === 0
          ? 'none'
          : dirty
              .map(
                (s) =>
                  `${s.id}@${s.db}: ${s.errors} errors, ${s.timeouts} timeouts, ${s.non2xx} non-2xx`,
              )
              .join('; '),
    });
    r.targets = checks;
  }
}

function describe(r: LoadResult): string {
  const cache = r.cache?.ratio != null ? `, hit ${(r.cache.ratio * 100).toFixed(0)}%` : '';
  const unfinished = r.requests === 0 ? `, NONE answered (${r.unfinished} unfinished)` : '';
  return `${r.requestsPerSec} req/s${unfinished}, p50 ${r.latencyMs.p50} / p99 ${r.latencyMs.p99} ms, ${r.errors + r.timeouts} errors, ${r.non2xx} non-2xx, RSS ${r.rssMaxMb ?? 'n/a'} MB${cache}`;
}

function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

async function main(): Promise<number> {
  loadDotEnv();
  const env = processEnv();
  const options = parseOptions(process.argv.slice(2), env);
  const base = loadConfig({ ...env, NODE_ENV: 'development' });
  const harness = new Harness(options, env, base);
  let report: BenchReport;
  try {
    report = await harness.run();
  } finally {
    await harness.close();
  }
  mkdirSync(options.out, { recursive: true });
  const name = options.smoke
    ? `smoke-${stamp(new Date(report.startedAt))}`
    : stamp(new Date(report.startedAt));
  const json = join(options.out, `${name}.json`);
  const md = join(options.out, `${name}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  const markdown = toMarkdown(report);
  writeFileSync(md, markdown);
  const written = [json, md];
  // latest.md is the newest full run of every scenario: a partial run (--only) does not replace it.
  if (!options.smoke && options.only === null) {
    const latest = join(options.out, 'latest.md');
    writeFileSync(latest, markdown);
    written.push(latest);
  }
  console.log(
    `\n${markdown.slice(markdown.indexOf('## Targets'), markdown.indexOf('## Scenarios'))}`,
  );
  console.log(
    `results written to:\n${written.map((f) => `  ${relative(process.cwd(), f) || f}`).join('\n')}`,
  );
  const dirty = harness
    .allResults()
    .filter((s) =>
      s.id === 'overload'
        ? serverErrors(s) > 0 || s.requests === 0
        : s.errors + s.timeouts + s.non2xx > 0 || s.requests === 0,
    );
  if (options.smoke && dirty.length > 0) {
    console.error(
      `smoke FAILED: errors, non-2xx or no requests in ${dirty.map((s) => `${s.id}@${s.db}`).join(', ')}`,
    );
    return 1;
  }
  const rt = report.realtime;
  if (options.smoke && rt && rt.lost + rt.duplicated + rt.foreign + rt.writeErrors > 0) {
    console.error(
      `smoke FAILED: realtime lost ${rt.lost}, duplicated ${rt.duplicated}, sent ${rt.foreign} to another user, ${rt.writeErrors} writes failed`,
    );
    return 1;
  }
  return 0;
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(
      `bench FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  });
