import { ConfigValidationError, isSecretVariable, loadConfig, parseDurationMs } from './env';

const SECRET = 's'.repeat(32);

/** The problems a bad environment is told about (loadConfig must throw). */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe(loadConfig.name, () => {
  it('should apply the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 8080,
      logLevel: 'info',
      http: { bodyLimitBytes: 100 * 1024, corsOrigins: [], trustProxy: false, maxInFlight: 100 },
      db: { host: '127.0.0.1', port: 3306, user: 'root', password: '', name: 'taskdb' },
      redis: { host: '127.0.0.1', port: 6379, password: undefined, db: 0, keyPrefix: 'taskdb:' },
      jwt: { secretGenerated: true, expiresInSec: 900, refreshExpiresInSec: 7 * 86_400 },
      rateLimit: { perMinute: 60, ipPerMinute: 60, authPerMinute: 10 },
      jobs: { runWorkers: true, workerConcurrency: 5 },
      webhooks: { allowPrivate: false },
      reminderLeadMs: 3_600_000,
    });
  });

  it('should read every variable it is given', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '3000',
      LOG_LEVEL: 'debug',
      DB_HOST: 'db',
      DB_PORT: '3307',
      DB_USER: 'app',
      DB_PASSWORD: ' spaced ',
      DB_NAME: 'tasks',
      REDIS_HOST: 'cache',
      REDIS_PORT: '6380',
      REDIS_PASSWORD: 'pw',
      REDIS_DB: '2',
      REDIS_KEY_PREFIX: 'custom:',
      JWT_SECRET: SECRET,
      JWT_EXPIRES_IN: '1h',
      JWT_REFRESH_EXPIRES_IN: '30d',
      RATE_LIMIT_PER_MINUTE: '100',
      RATE_LIMIT_IP_PER_MINUTE: '200',
      RATE_LIMIT_AUTH_PER_MINUTE: '5',
      TRUST_PROXY: '10.0.0.0/8',
      HTTP_MAX_IN_FLIGHT: '250',
      CORS_ORIGINS: 'https://a.example.com, http://localhost:3000',
      WORKER_CONCURRENCY: '8',
      RUN_WORKERS: 'false',
      JOB_ATTEMPTS: '3',
      JOB_BACKOFF_MS: '250',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      REMINDER_LEAD: '15m',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 3000,
      logLevel: 'debug',
      http: {
        corsOrigins: ['https://a.example.com', 'http://localhost:3000'],
        trustProxy: '10.0.0.0/8',
        maxInFlight: 250,
      },
      db: { host: 'db', port: 3307, user: 'app', password: ' spaced ', name: 'tasks' },
      redis: { host: 'cache', port: 6380, password: 'pw', db: 2, keyPrefix: 'custom:' },
      jwt: {
        secret: SECRET,
        secretGenerated: false,
        expiresInSec: 3600,
        refreshExpiresInSec: 2_592_000,
      },
      rateLimit: { perMinute: 100, ipPerMinute: 200, authPerMinute: 5 },
      jobs: { runWorkers: false, workerConcurrency: 8, attempts: 3, backoffMs: 250 },
      webhooks: { allowPrivate: true },
      reminderLeadMs: 900_000,
    });
  });

  it('should default REDIS_KEY_PREFIX to "<DB_NAME>:"', () => {
    expect(loadConfig({ DB_NAME: 'tenant_a' }).redis.keyPrefix).toBe('tenant_a:');
  });

  it('should read REDIS_CLUSTER_NODES as seed nodes, IPv6 in brackets, and default to none', () => {
    expect(loadConfig({}).redis.clusterNodes).toBeNull();
    expect(
      loadConfig({ REDIS_CLUSTER_NODES: 'redis-1:7000, 10.0.0.2:7001,[::1]:7002' }).redis
        .clusterNodes,
    ).toEqual([
      { host: 'redis-1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
  });

  it('should read DB_REPLICA_HOSTS and DB_REPLICA_MAX_LAG_MS, defaulting to none and 1000', () => {
    expect(loadConfig({}).db).toMatchObject({ replicas: [], replicaMaxLagMs: 1000 });
    expect(
      loadConfig({
        DB_REPLICA_HOSTS: 'replica-1:3306,replica-2:3307',
        DB_REPLICA_MAX_LAG_MS: '250',
      }).db,
    ).toMatchObject({
      replicas: [
        { host: 'replica-1', port: 3306 },
        { host: 'replica-2', port: 3307 },
      ],
      replicaMaxLagMs: 250,
    });
  });

  it.each<[string, string]>([
    ['PORT', 'abc'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'verbose'],
    ['DB_PORT', '0'],
    ['DB_NAME', 'bad-name'],
    ['DB_NAME', 'x; DROP DATABASE y'],
    ['REDIS_PORT', 'six'],
    ['REDIS_DB', '16'],
    ['JWT_SECRET', 'too-short'],
    ['JWT_EXPIRES_IN', '15 minutes'],
    ['JWT_EXPIRES_IN', '0'],
    ['JWT_EXPIRES_IN', '500ms'],
    ['JWT_REFRESH_EXPIRES_IN', 'forever'],
    ['JWT_REFRESH_EXPIRES_IN', '500ms'],
    ['RATE_LIMIT_PER_MINUTE', '0'],
    ['RATE_LIMIT_IP_PER_MINUTE', '-5'],
    ['RATE_LIMIT_AUTH_PER_MINUTE', 'ten'],
    ['HTTP_MAX_IN_FLIGHT', '0'],
    ['TRUST_PROXY', 'maybe'],
    ['CORS_ORIGINS', 'app.example.com'],
    ['WORKER_CONCURRENCY', '0'],
    ['RUN_WORKERS', 'yes please'],
    ['JOB_ATTEMPTS', '0'],
    ['JOB_BACKOFF_MS', 'soon'],
    ['WEBHOOK_ALLOW_PRIVATE', 'sometimes'],
    ['REMINDER_LEAD', '1 hour'],
    ['BODY_LIMIT', '10'],
    ['REDIS_CLUSTER_NODES', 'redis-1'],
    ['REDIS_CLUSTER_NODES', 'redis-1:6379,redis-2:70000'],
    ['REDIS_CLUSTER_NODES', 'redis://redis-1:6379'],
    ['DB_REPLICA_HOSTS', 'replica-1:3306,replica-2'],
    ['DB_REPLICA_MAX_LAG_MS', '0'],
  ])('should refuse %s=%p with a problem naming the variable', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
  });

  it('should report every bad variable at once, in the error message', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'abc', DB_PORT: 'x', LOG_LEVEL: 'loud' });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of ['PORT', 'DB_PORT', 'LOG_LEVEL']) expect(message).toContain(name);
  });

  it('should require JWT_SECRET in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual([expect.stringContaining('JWT_SECRET')]);
    expect(problems[0]).toMatch(/required/);
  });

  it('should require at least 32 characters of JWT_SECRET, in production and outside', () => {
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(31) })).toEqual([
      expect.stringContaining('JWT_SECRET'),
    ]);
    expect(problemsOf({ JWT_SECRET: 's'.repeat(31) })).toEqual([
      expect.stringContaining('JWT_SECRET'),
    ]);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET }).jwt.secret).toBe(SECRET);
  });

  it('should default the token issuer and audience, read them, and refuse blanks inside', () => {
    expect(loadConfig({}).jwt).toMatchObject({ issuer: 'task-service', audience: 'task-api' });
    expect(
      loadConfig({ JWT_ISSUER: 'https://auth.example.com', JWT_AUDIENCE: 'tasks-eu' }).jwt,
    ).toMatchObject({ issuer: 'https://auth.example.com', audience: 'tasks-eu' });
    expect(() => loadConfig({ JWT_ISSUER: 'task service', JWT_AUDIENCE: 'a'.repeat(256) })).toThrow(
      /JWT_ISSUER must be 1-255 printable ASCII.*JWT_AUDIENCE must be 1-255 printable ASCII/,
    );
  });

  it('should name a bad secret and its rule without ever echoing its value', () => {
    const leaked = 'do-not-print-me-0123456789abcde';
    let error: unknown;
    try {
      loadConfig({ JWT_SECRET: leaked, PORT: 'abc' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const { message, problems } = error as ConfigValidationError;
    expect(problems).toContain('JWT_SECRET must be at least 32 characters long');
    for (const text of [message, ...problems]) expect(text).not.toContain(leaked.slice(0, 8));
    // A value that is not a secret is still shown, so a typo is easy to spot.
    expect(problems).toContain('PORT must be an integer from 0 to 65535 (got "abc")');
  });

  it('should make a different random secret per call outside production', () => {
    const a = loadConfig({ NODE_ENV: 'development' }).jwt;
    const b = loadConfig({ NODE_ENV: 'test' }).jwt;
    expect(a.secretGenerated).toBe(true);
    expect(a.secret.length).toBeGreaterThanOrEqual(32);
    expect(b.secret).not.toBe(a.secret);
  });

  it('should treat blank values as unset', () => {
    expect(loadConfig({ PORT: '  ', DB_NAME: '' })).toMatchObject({
      port: 8080,
      db: { name: 'taskdb' },
    });
  });

  it('should accept CORS_ORIGINS=* as any origin', () => {
    expect(loadConfig({ CORS_ORIGINS: '*' }).http.corsOrigins).toBe(true);
  });

  describe('attachments', () => {
    const S3 = {
      ATTACHMENT_STORAGE: 's3',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_BUCKET: 'task-files',
      S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      S3_SECRET_ACCESS_KEY: 'secret-access-key-value',
    };

    it('should default to 10 MiB on the local driver under ./data/attachments, ignoring S3_*', () => {
      expect(loadConfig({ S3_ENDPOINT: 'not a url' }).attachments).toEqual({
        maxBytes: 10 * 1024 * 1024,
        storage: 'local',
        dir: './data/attachments',
        s3: null,
      });
    });

    it('should read the S3 driver with its defaults and credentials', () => {
      expect(loadConfig({ ...S3, ATTACHMENT_MAX_BYTES: '1024' }).attachments).toEqual({
        maxBytes: 1024,
        storage: 's3',
        dir: './data/attachments',
        s3: {
          endpoint: 'http://127.0.0.1:9000',
          region: 'us-east-1',
          bucket: 'task-files',
          credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret-access-key-value' },
          forcePathStyle: false,
        },
      });
      const chain = loadConfig({
        ATTACHMENT_STORAGE: 's3',
        S3_BUCKET: 'task-files',
        S3_REGION: 'eu-west-1',
        S3_FORCE_PATH_STYLE: 'true',
      }).attachments.s3;
      expect(chain).toEqual({
        endpoint: undefined,
        region: 'eu-west-1',
        bucket: 'task-files',
        credentials: undefined,
        forcePathStyle: true,
      });
    });

    it.each<[string, Record<string, string>]>([
      ['ATTACHMENT_MAX_BYTES', { ATTACHMENT_MAX_BYTES: '0' }],
      ['ATTACHMENT_MAX_BYTES', { ATTACHMENT_MAX_BYTES: '10MB' }],
      ['ATTACHMENT_STORAGE', { ATTACHMENT_STORAGE: 'ftp' }],
      ['S3_BUCKET', { ...S3, S3_BUCKET: '' }],
      ['S3_BUCKET', { ...S3, S3_BUCKET: 'Bad_Bucket' }],
      ['S3_ENDPOINT', { ...S3, S3_ENDPOINT: 'minio:9000' }],
      ['S3_REGION', { ...S3, S3_REGION: 'EU West' }],
      ['S3_FORCE_PATH_STYLE', { ...S3, S3_FORCE_PATH_STYLE: 'maybe' }],
      ['S3_ACCESS_KEY_ID', { ...S3, S3_ACCESS_KEY_ID: '' }],
    ])('should refuse a bad %s with a problem naming it', (name, env) => {
      const problems = problemsOf(env);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(name);
    });

    it('should name a lone S3 secret without printing it', () => {
      const problems = problemsOf({ ...S3, S3_ACCESS_KEY_ID: '' });
      expect(problems).toEqual([
        'S3_ACCESS_KEY_ID must be set together with the other S3 credential (or both left empty) (got "")',
      ]);
      const secretAlone = problemsOf({ ...S3, S3_SECRET_ACCESS_KEY: '' });
      expect(secretAlone).toEqual([
        'S3_SECRET_ACCESS_KEY must be set together with the other S3 credential (or both left empty)',
      ]);
      const bothBad = problemsOf({ ...S3, S3_ACCESS_KEY_ID: '', S3_BUCKET: 'x' }).join(' ');
      expect(bothBad).not.toContain('secret-access-key-value');
    });
  });
});

describe('loadConfig mail', () => {
  it('should send no email without SMTP_URL, with local links by default', () => {
    expect(loadConfig({}).mail).toEqual({
      smtpUrl: null,
      from: 'Task service <no-reply@localhost>',
      publicAppUrl: 'http://localhost:8080',
      publicApiUrl: 'http://localhost:8080',
    });
  });

  it('should read SMTP_URL, MAIL_FROM and the public URLs (without trailing slash)', () => {
    const mail = loadConfig({
      SMTP_URL: 'smtps://user:pw@mail.example.com:465',
      MAIL_FROM: 'Tasks <tasks@example.com>',
      PUBLIC_APP_URL: 'https://app.example.com/',
      PUBLIC_API_URL: 'https://api.example.com',
    }).mail;
    expect(mail).toEqual({
      smtpUrl: 'smtps://user:pw@mail.example.com:465',
      from: 'Tasks <tasks@example.com>',
      publicAppUrl: 'https://app.example.com',
      publicApiUrl: 'https://api.example.com',
    });
    expect(loadConfig({ PUBLIC_APP_URL: 'https://tasks.example.org' }).mail).toMatchObject({
      from: 'Task service <no-reply@tasks.example.org>',
      publicApiUrl: 'https://tasks.example.org',
    });
  });

  it('should refuse bad values by name, never printing the SMTP password', () => {
    const problems = problemsOf({
      SMTP_URL: 'http://user:hunter2-password@mail.example.com',
      MAIL_FROM: 'a@b.c\r\nBcc: x@y.z',
      PUBLIC_APP_URL: 'ftp://app.example.com',
      PUBLIC_API_URL: 'https://api.example.com/?x=1',
    });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'MAIL_FROM',
      'PUBLIC_API_URL',
      'PUBLIC_APP_URL',
      'SMTP_URL',
    ]);
    expect(problems.join(' ')).not.toContain('hunter2');
  });

  it('should require PUBLIC_APP_URL with SMTP_URL in production', () => {
    expect(
      problemsOf({ NODE_ENV: 'production', JWT_SECRET: SECRET, SMTP_URL: 'smtp://mail:25' }),
    ).toEqual(['PUBLIC_APP_URL is required when SMTP_URL is set and NODE_ENV=production']);
  });
});

describe(isSecretVariable.name, () => {
  it.each([
    'JWT_SECRET',
    'DB_PASSWORD',
    'REDIS_PASSWORD',
    'OIDC_CLIENT_SECRET',
    'API_TOKEN',
    'S3_SECRET_ACCESS_KEY',
    'SMTP_URL',
  ])('should treat %s as a secret', (name) => expect(isSecretVariable(name)).toBe(true));

  it.each(['PORT', 'DB_USER', 'REDIS_KEY_PREFIX', 'JWT_EXPIRES_IN', 'SECRETARY'])(
    'should not treat %s as a secret',
    (name) => expect(isSecretVariable(name)).toBe(false),
  );
});

describe(parseDurationMs.name, () => {
  it.each([
    ['900', 900_000],
    ['900s', 900_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['250ms', 250],
  ])('should parse %s', (value, ms) => {
    expect(parseDurationMs(value)).toBe(ms);
  });

  it.each(['', '0', '-1s', '1.5h', '15 m', '1w', 'abc'])('should refuse %p', (value) => {
    expect(parseDurationMs(value)).toBeUndefined();
  });
});
