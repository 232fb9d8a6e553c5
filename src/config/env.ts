import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { OidcConfig, parseOidcConfig } from './oidc-env';

/** Parsed, validated configuration. Nothing outside `src/config/` reads `process.env`. */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  http: {
    bodyLimitBytes: number;
    /** `true` reflects any origin (`CORS_ORIGINS=*`); an empty list disables CORS. */
    corsOrigins: string[] | true;
    /** Fastify's `trustProxy`: false, true, a hop count, or a list of addresses/CIDRs. */
    trustProxy: boolean | number | string;
    /** API requests worked on at once; one more is refused with 503 (load shedding). */
    maxInFlight: number;
  };
  db: {
    host: string;
    port: number;
    user: string;
    password: string;
    name: string;
    /** Read replicas (`DB_REPLICA_HOSTS`), same user and database; empty: none. */
    replicas: HostPort[];
    /** A replica further behind the primary than this is skipped (`DB_REPLICA_MAX_LAG_MS`). */
    replicaMaxLagMs: number;
  };
  redis: {
    host: string;
    port: number;
    password?: string;
    db: number;
    keyPrefix: string;
    /** Seed nodes of a Redis Cluster (`REDIS_CLUSTER_NODES`); null: the one Redis above. */
    clusterNodes: HostPort[] | null;
  };
  jwt: {
    secret: string;
    /** True when no JWT_SECRET was given outside production and a per-boot secret was made. */
    secretGenerated: boolean;
    expiresInSec: number;
    refreshExpiresInSec: number;
    /** `iss` of every access token, checked on every request (JWT_ISSUER). */
    issuer: string;
    /** `aud` of every access token, checked on every request (JWT_AUDIENCE). */
    audience: string;
  };
  rateLimit: { perMinute: number; ipPerMinute: number; authPerMinute: number };
  jobs: {
    runWorkers: boolean;
    workerConcurrency: number;
    attempts: number;
    backoffMs: number;
    /** How long a worker's lock on an active job lasts without renewal. */
    lockDurationMs: number;
    /** How often stalled jobs (their worker died) are looked for and handed back to the queue. */
    stalledIntervalMs: number;
  };
  webhooks: { allowPrivate: boolean };
  realtime: {
    /** A WebSocket must authenticate within this (else closed with 4408). */
    authTimeoutMs: number;
    /** How often the server pings each socket; one missed pong drops it. */
    heartbeatMs: number;
    /** Bytes queued for a socket past which it counts as not reading (closed with 1008). */
    maxBufferedBytes: number;
  };
  graphql: {
    /** Deepest selection a GraphQL operation may have (GRAPHQL_MAX_DEPTH, default 10). */
    maxDepth: number;
    /** Highest estimated cost an operation may have (GRAPHQL_MAX_COST), see src/graphql. */
    maxCost: number;
  };
  reminderLeadMs: number;
  attachments: {
    /** Largest accepted upload, in bytes; larger ones are refused with 413. */
    maxBytes: number;
    storage: 'local' | 's3';
    /** Directory of the local driver (ATTACHMENT_DIR). */
    dir: string;
    /** The S3-compatible store; set when `storage` is `s3`. */
    s3: S3Config | null;
  };
  mail: MailConfig;
  /** Single sign-on with OpenID Connect providers (OIDC_*). */
  oidc: OidcConfig;
}

/** Email over SMTP; `smtpUrl` null: no email is sent (and forgot-password answers 503). */
export interface MailConfig {
  /** `smtp(s)://user:pass@host:port` (SMTP_URL): holds a password, never printed. */
  smtpUrl: string | null;
  /** The From address (MAIL_FROM), `Name <addr>` or `addr`. */
  from: string;
  /** Where the front end lives (PUBLIC_APP_URL, no trailing slash): reset and task links. */
  publicAppUrl: string;
  /** Where this API is reached from outside (PUBLIC_API_URL, default PUBLIC_APP_URL): unsubscribe links. */
  publicApiUrl: string;
}

export interface HostPort {
  host: string;
  port: number;
}

export interface S3Config {
  /** Absent: AWS S3 itself. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Both absent: the SDK's default credential chain (instance role, AWS_* variables). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigValidationError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Variables that hold secrets: `JWT_SECRET`, `DB_PASSWORD`, `REDIS_PASSWORD` and any future
 * `*_SECRET`, `*_PASSWORD`, `*_TOKEN` or `*_KEY`.
 */
export function isSecretVariable(name: string): boolean {
  const upper = name.toUpperCase();
  // SMTP_URL carries the SMTP password in its user-info part.
  return /(?:^|_)(?:SECRET|PASSWORD|TOKEN|KEY)$/.test(upper) || upper === 'SMTP_URL';
}

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parses `900`, `900s`, `15m`, `1h`, `7d` (a bare number is seconds) into milliseconds. */
export function parseDurationMs(value: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const ms = amount * DURATION_UNITS_MS[match[2] ?? 's'];
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * Reads every variable API.md names, applies its default and collects every problem, so that a
 * bad deployment is told all of its mistakes at once, each by the variable's name.
 */
export function loadConfig(env: Env): AppConfig {
  const problems: string[] = [];
  const raw = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const fail = <T>(name: string, expected: string, fallback: T): T => {
    // A secret's value never reaches a message (messages end up in logs): its name and rule do.
    const got = isSecretVariable(name) ? '' : ` (got "${env[name]}")`;
    problems.push(`${name} must be ${expected}${got}`);
    return fallback;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const value = raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    return /^-?\d+$/.test(value) && n >= min && n <= max
      ? n
      : fail(name, `an integer from ${min} to ${max}`, fallback);
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const value = raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    return fail(name, 'true or false', fallback);
  };
  const str = (name: string, fallback: string): string => raw(name) ?? fallback;
  const duration = (name: string, fallback: string): number => {
    const ms = parseDurationMs(raw(name) ?? fallback);
    return ms ?? fail(name, 'a duration such as 900, 15m, 1h or 7d', parseDurationMs(fallback)!);
  };
  // Compared byte for byte with a token's claim; whitespace or control characters would only
  // make a copy-paste mismatch between deployments that should agree.
  const claim = (name: string, fallback: string): string => {
    const value = raw(name);
    if (value === undefined) return fallback;
    return /^[\x21-\x7e]{1,255}$/.test(value)
      ? value
      : fail(name, '1-255 printable ASCII characters without spaces', fallback);
  };
  /** `host:port,host:port` (IPv6 hosts in brackets); absent or empty: null. */
  const hostPorts = (name: string): HostPort[] | null => {
    const value = raw(name);
    if (value === undefined) return null;
    const nodes = value.split(',').map((item) => {
      const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(item.trim());
      const port = match ? Number(match[2]) : 0;
      return match && port >= 1 && port <= 65535
        ? { host: match[1].replace(/^\[|\]$/g, ''), port }
        : null;
    });
    if (nodes.some((node) => node === null)) {
      return fail(name, 'a comma list of host:port (like redis-1:6379,redis-2:6379)', null);
    }
    return nodes as HostPort[];
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = raw(name);
    if (value === undefined) return fallback;
    return (allowed as readonly string[]).includes(value)
      ? (value as T)
      : fail(name, `one of ${allowed.join(', ')}`, fallback);
  };

  const nodeEnv = oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const dbName = str('DB_NAME', 'taskdb');
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(dbName)) fail('DB_NAME', 'letters, digits, _ or $ (1-64)', '');

  let secret = raw('JWT_SECRET');
  let secretGenerated = false;
  if (secret !== undefined && secret.length < 32) {
    secret = fail('JWT_SECRET', 'at least 32 characters long', undefined);
  }
  if (secret === undefined) {
    if (nodeEnv === 'production' && raw('JWT_SECRET') === undefined) {
      problems.push('JWT_SECRET is required when NODE_ENV=production (at least 32 characters)');
    }
    // Outside production a random secret per boot keeps development zero-config without ever
    // shipping a usable constant; tokens simply stop working across restarts.
    secret = randomBytes(48).toString('base64url');
    secretGenerated = true;
  }

  // Read only when ATTACHMENT_STORAGE=s3, so a local deployment is never refused for them.
  const s3Config = (): S3Config => {
    const endpoint = raw('S3_ENDPOINT');
    if (endpoint !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) {
      fail('S3_ENDPOINT', 'an http(s) URL without a path, like https://s3.example.com:9000', '');
    }
    const bucket = raw('S3_BUCKET') ?? '';
    // S3's bucket naming rule; anything else is refused by every store at the first upload.
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      fail('S3_BUCKET', 'a bucket name (3-63 of a-z, 0-9, . and -) when ATTACHMENT_STORAGE=s3', '');
    }
    const region = str('S3_REGION', 'us-east-1');
    if (!/^[a-z0-9-]{1,64}$/.test(region)) fail('S3_REGION', 'a region name like eu-west-1', '');
    const accessKeyId = raw('S3_ACCESS_KEY_ID');
    const secretAccessKey = raw('S3_SECRET_ACCESS_KEY');
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
      const missing = accessKeyId === undefined ? 'S3_ACCESS_KEY_ID' : 'S3_SECRET_ACCESS_KEY';
      fail(missing, 'set together with the other S3 credential (or both left empty)', '');
    }
    return {
      endpoint,
      region,
      bucket,
      credentials:
        accessKeyId !== undefined && secretAccessKey !== undefined
          ? { accessKeyId, secretAccessKey }
          : undefined,
      forcePathStyle: bool('S3_FORCE_PATH_STYLE', false),
    };
  };

  // A public base URL: http(s), no query or fragment; kept without its trailing slash so links
  // are built as `${base}/path`.
  const publicUrl = (name: string, fallback: string): string => {
    const value = raw(name);
    if (value === undefined) return fallback;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || url.username) {
      return fail(name, 'an http(s) URL without query, fragment or credentials', fallback);
    }
    return value.replace(/\/+$/, '');
  };
  const mailConfig = (): MailConfig => {
    const smtpRaw = raw('SMTP_URL');
    let smtpUrl: string | null = null;
    if (smtpRaw !== undefined) {
      let url: URL | undefined;
      try {
        url = new URL(smtpRaw);
      } catch {
        url = undefined;
      }
      smtpUrl =
        url && /^smtps?:$/.test(url.protocol) && url.hostname !== ''
          ? smtpRaw
          : fail('SMTP_URL', 'an smtp:// or smtps:// URL like smtp://user:pass@host:587', null);
    }
    if (smtpUrl !== null && nodeEnv === 'production' && raw('PUBLIC_APP_URL') === undefined) {
      // Emails would link to localhost.
      problems.push('PUBLIC_APP_URL is required when SMTP_URL is set and NODE_ENV=production');
    }
    const publicAppUrl = publicUrl('PUBLIC_APP_URL', 'http://localhost:8080');
    const publicApiUrl = publicUrl('PUBLIC_API_URL', publicAppUrl);
    const host = /^https?:\/\/([^/:]+)/.exec(publicAppUrl)?.[1] ?? 'localhost';
    const from = raw('MAIL_FROM') ?? `Task service <no-reply@${host}>`;
    // One address, optionally with a display name; no CR/LF (header injection).
    if (!/^(?:[^\r\n<>@]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(from)) {
      fail('MAIL_FROM', 'an address like "Task service <no-reply@example.com>"', '');
    }
    return { smtpUrl, from, publicAppUrl, publicApiUrl };
  };

  const corsRaw = raw('CORS_ORIGINS');
  let corsOrigins: string[] | true = [];
  if (corsRaw === '*') corsOrigins = true;
  else if (corsRaw !== undefined) {
    corsOrigins = corsRaw
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    const bad = corsOrigins.filter((o) => !/^https?:\/\/[^/\s]+$/.test(o));
    if (bad.length > 0)
      fail('CORS_ORIGINS', '* or a comma list of origins like https://app.example.com', []);
  }

  const trustRaw = raw('TRUST_PROXY');
  let trustProxy: boolean | number | string = false;
  if (trustRaw !== undefined) {
    const lower = trustRaw.toLowerCase();
    if (lower === 'true' || lower === 'false') trustProxy = lower === 'true';
    else if (/^\d+$/.test(trustRaw)) trustProxy = Number(trustRaw);
    else if (/^[0-9a-fA-F:./, ]+$/.test(trustRaw)) trustProxy = trustRaw;
    else
      fail(
        'TRUST_PROXY',
        'true, false, a hop count or a comma list of proxy addresses/CIDRs',
        false,
      );
  }

  const config: AppConfig = {
    nodeEnv,
    port: int('PORT', 8080, 0, 65535),
    logLevel: oneOf(
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
    http: {
      bodyLimitBytes: int('BODY_LIMIT', 100 * 1024, 1024, 10 * 1024 * 1024),
      corsOrigins,
      trustProxy,
      maxInFlight: int('HTTP_MAX_IN_FLIGHT', 100, 1, 100_000),
    },
    db: {
      host: str('DB_HOST', '127.0.0.1'),
      port: int('DB_PORT', 3306, 1, 65535),
      user: str('DB_USER', 'root'),
      password: env.DB_PASSWORD ?? '',
      name: dbName,
      replicas: hostPorts('DB_REPLICA_HOSTS') ?? [],
      replicaMaxLagMs: int('DB_REPLICA_MAX_LAG_MS', 1000, 1, 3_600_000),
    },
    redis: {
      host: str('REDIS_HOST', '127.0.0.1'),
      port: int('REDIS_PORT', 6379, 1, 65535),
      password: raw('REDIS_PASSWORD'),
      db: int('REDIS_DB', 0, 0, 15),
      keyPrefix: raw('REDIS_KEY_PREFIX') ?? `${dbName}:`,
      clusterNodes: hostPorts('REDIS_CLUSTER_NODES'),
    },
    jwt: {
      secret,
      secretGenerated,
      expiresInSec: Math.floor(duration('JWT_EXPIRES_IN', '15m') / 1000),
      refreshExpiresInSec: Math.floor(duration('JWT_REFRESH_EXPIRES_IN', '7d') / 1000),
      issuer: claim('JWT_ISSUER', 'task-service'),
      audience: claim('JWT_AUDIENCE', 'task-api'),
    },
    rateLimit: {
      perMinute: int('RATE_LIMIT_PER_MINUTE', 60, 1, 1_000_000),
      ipPerMinute: int('RATE_LIMIT_IP_PER_MINUTE', 60, 1, 1_000_000),
      authPerMinute: int('RATE_LIMIT_AUTH_PER_MINUTE', 10, 1, 1_000_000),
    },
    jobs: {
      runWorkers: bool('RUN_WORKERS', true),
      workerConcurrency: int('WORKER_CONCURRENCY', 5, 1, 1000),
      attempts: int('JOB_ATTEMPTS', 5, 1, 100),
      backoffMs: int('JOB_BACKOFF_MS', 1000, 1, 3_600_000),
      lockDurationMs: int('JOB_LOCK_DURATION_MS', 30_000, 1000, 3_600_000),
      stalledIntervalMs: int('JOB_STALLED_INTERVAL_MS', 30_000, 500, 3_600_000),
    },
    webhooks: { allowPrivate: bool('WEBHOOK_ALLOW_PRIVATE', false) },
    realtime: {
      authTimeoutMs: duration('WS_AUTH_TIMEOUT', '10s'),
      heartbeatMs: duration('WS_HEARTBEAT_INTERVAL', '30s'),
      maxBufferedBytes: int('WS_MAX_BUFFERED_BYTES', 1024 * 1024, 16 * 1024, 256 * 1024 * 1024),
    },
    graphql: {
      maxDepth: int('GRAPHQL_MAX_DEPTH', 10, 2, 50),
      maxCost: int('GRAPHQL_MAX_COST', 5000, 10, 1_000_000),
    },
    reminderLeadMs: duration('REMINDER_LEAD', '1h'),
    attachments: {
      maxBytes: int('ATTACHMENT_MAX_BYTES', 10 * 1024 * 1024, 1, 5 * 1024 ** 3),
      storage: oneOf('ATTACHMENT_STORAGE', ['local', 's3'] as const, 'local'),
      dir: str('ATTACHMENT_DIR', './data/attachments'),
      s3: null,
    },
    mail: mailConfig(),
    oidc: parseOidcConfig(raw, (name, expected) => fail(name, expected, undefined)),
  };
  config.attachments.s3 = config.attachments.storage === 's3' ? s3Config() : null;
  if (config.jwt.expiresInSec < 1) fail('JWT_EXPIRES_IN', 'at least 1s', 0);
  // Both lifetimes are whole seconds; `500ms` would round to tokens that are born expired.
  if (config.jwt.refreshExpiresInSec < 1) fail('JWT_REFRESH_EXPIRES_IN', 'at least 1s', 0);

  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}

/** Loads `.env` from the working directory when present; real environment variables win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** The process environment, for the few entry points (CLI data source, tests) outside Nest. */
export function processEnv(): Env {
  return process.env;
}
