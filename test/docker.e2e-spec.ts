import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { newUser } from './helpers/factories';
import { ensureBuilt, startServer } from './helpers/server';
import { baseConnection } from './setup/test-env';

/**
 * The container set-up, checked without Docker (which CI does not have): the image's Node line
 * is the one the tests run on, Compose never connects the service as root and confines every
 * container, and the application user's grants are enough for the service, proven by running
 * the same init script against this machine's MariaDB and booting the build as that user.
 */
const ROOT = join(__dirname, '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface Service {
  environment?: Record<string, string>;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  mem_limit?: string;
  tmpfs?: string[];
}
const compose = parse(read('docker/docker-compose.yml')) as { services: Record<string, Service> };

describe('Docker image and Compose stack', () => {
  const root = baseConnection();
  const asRoot = (sql: string): string =>
    execFileSync(
      'mariadb',
      [
        '--protocol=tcp',
        `-h${root.host}`,
        `-P${root.port}`,
        `-u${root.user}`,
        '-N',
        '-r',
        '-e',
        sql,
      ],
      { env: { ...process.env, MYSQL_PWD: root.password }, encoding: 'utf8' },
    );
  /** The mysql image's entrypoint sources init scripts with docker_process_sql in scope; so does this shim. */
  const sourceInitScript = (script: string, env: Record<string, string>): void => {
    execFileSync(
      'bash',
      [
        '-c',
        `set -eo pipefail; docker_process_sql() { mariadb --protocol=tcp -h"$H" -P"$P" -u"$U" "$@"; }; . docker/mysql-init/${script}`,
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          H: root.host,
          P: String(root.port),
          U: root.user,
          MYSQL_PWD: root.password,
          ...env,
        },
      },
    );
  };

  it('should build the image on the Node line the tests run on, pinned to a release and digest', () => {
    const dockerfile = read('docker/Dockerfile');
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(image).toMatch(/^node:\d+\.\d+\.\d+-[a-z]+-slim@sha256:[0-9a-f]{64}$/);
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual(['${NODE_IMAGE}', '${NODE_IMAGE}']);
    const imageMajor = /^node:(\d+)\./.exec(image!)![1];
    expect(imageMajor).toBe(process.versions.node.split('.')[0]);
  });

  it('should never connect the service as root, and confine every container', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect({ name, user: service.environment?.DB_USER }).not.toMatchObject({ user: 'root' });
      expect({ name, ...service }).toMatchObject({
        name,
        read_only: true,
        cap_drop: ['ALL'],
        security_opt: expect.arrayContaining(['no-new-privileges:true']),
        mem_limit: expect.stringMatching(/^\d+[mg]$/),
      });
    }
    for (const name of ['app', 'worker']) {
      expect(compose.services[name].environment?.DB_USER).toMatch(/MYSQL_APP_USER/);
      expect(compose.services[name].tmpfs).toEqual([expect.stringMatching(/^\/tmp(:|$)/)]);
    }
  });

  it('should list in .env.example every variable Compose reads from the env file', () => {
    const listed = new Set([...read('.env.example').matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const used = new Set(
      [...read('docker/docker-compose.yml').matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]),
    );
    expect(used).toContain('MYSQL_ROOT_PASSWORD');
    expect(used).toContain('MYSQL_APP_PASSWORD');
    expect([...used].filter((name) => !listed.has(name))).toEqual([]);
  });

  describe("the replication account of Compose's MySQL init script", () => {
    const user = `replication_${randomBytes(4).toString('hex')}`;
    const source = (password: string) =>
      sourceInitScript('20-replication-user.sh', {
        REPLICATION_USER: user,
        REPLICATION_PASSWORD: password,
      });

    afterAll(() => {
      asRoot(`DROP USER IF EXISTS '${user}'@'%'`);
    });

    it('should create nothing without a password, and an account that may only replicate with one', () => {
      source('');
      expect(asRoot(`SELECT COUNT(*) FROM mysql.user WHERE user = '${user}'`).trim()).toBe('0');
      source(`pw'${randomBytes(8).toString('hex')}\\"`);
      const grants = asRoot(`SHOW GRANTS FOR '${user}'@'%'`).trim().split('\n');
      expect(grants).toEqual([expect.stringMatching(/^GRANT REPLICATION SLAVE ON \*\.\* TO /)]);
    });
  });

  describe("the application user of Compose's MySQL init script", () => {
    const suffix = randomBytes(4).toString('hex');
    const dbName = `taskdb_appuser_${suffix}`;
    const user = `taskapp_${suffix}`;
    const password = `pw'${randomBytes(8).toString('hex')}\\"`;
    beforeAll(() => {
      ensureBuilt();
      sourceInitScript('10-app-user.sh', {
        APP_DB_NAME: dbName,
        APP_DB_USER: user,
        APP_DB_PASSWORD: password,
      });
      // The service must also be able to create its database when it is missing.
      asRoot(`DROP DATABASE \`${dbName}\``);
    }, 120_000);

    afterAll(() => {
      asRoot(`DROP DATABASE IF EXISTS \`${dbName}\`; DROP USER IF EXISTS '${user}'@'%'`);
    });

    it('should hold no privilege beyond rows and migrations of its own database', () => {
      const grants = asRoot(`SHOW GRANTS FOR '${user}'@'%'`).trim().split('\n');
      expect(grants).toHaveLength(2);
      expect(grants[0]).toMatch(/^GRANT USAGE ON \*\.\* TO/);
      const privileges = /^GRANT (.+) ON `(.+)`\.\* TO/.exec(grants[1])!;
      expect(privileges[1].split(', ').sort()).toEqual(
        [
          'ALTER',
          'CREATE',
          'DELETE',
          'DROP',
          'INDEX',
          'INSERT',
          'REFERENCES',
          'SELECT',
          'UPDATE',
        ].sort(),
      );
      expect(privileges[2]).toBe(dbName.replace(/_/g, '\\_'));
    });

    it('should be enough for the service: create its database, migrate, and serve', async () => {
      const server = await startServer({
        DB_USER: user,
        DB_PASSWORD: password,
        DB_NAME: dbName,
        REDIS_KEY_PREFIX: `${dbName}:`,
      });
      try {
        const ready = await fetch(`${server.baseUrl}/health/ready`);
        expect(ready.status).toBe(200);
        const account = newUser();
        const post = (path: string, body: unknown, token?: string) =>
          fetch(`${server.baseUrl}/api/v1${path}`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
            body: JSON.stringify(body),
          });
        expect((await post('/auth/register', account)).status).toBe(201);
        const login = await post('/auth/login', {
          email: account.email,
          password: account.password,
        });
        const { token } = (await login.json()) as { token: string };
        expect((await post('/tasks', { title: 'as the app user' }, token)).status).toBe(201);
        const list = await fetch(`${server.baseUrl}/api/v1/tasks`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(list.status).toBe(200);
        expect(list.headers.get('x-total-count')).toBe('1');
      } finally {
        await server.stop();
      }
      expect(asRoot(`SELECT COUNT(*) FROM \`${dbName}\`.migrations`).trim()).not.toBe('0');
    });
  });
});
