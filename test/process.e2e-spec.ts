import { Agent, request as httpRequest } from 'node:http';
import { newUser } from './helpers/factories';
import {
  ensureBuilt,
  freePort,
  NpmScriptProcess,
  processExists,
  ServerProcess,
  spawnNpmScript,
  spawnServer,
  startServer,
} from './helpers/server';
import { waitFor } from './helpers/wait';

/**
 * The production entry point (`node dist/main.js`) as a separate process: what it logs, how it
 * stops on SIGTERM, and how it refuses a bad configuration. The build is refreshed first when
 * any source file is newer than it.
 */

interface JsonResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function post(
  server: ServerProcess,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** The JSON lines of a pino log (anything else the process printed is skipped). */
function logLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * A POST whose headers reach the server (`Expect: 100-continue` makes it confirm) while its
 * body waits for `sendBody()`: a request provably in flight for as long as a test needs.
 */
function holdRequest(
  url: string,
  payload: unknown,
): { started: Promise<void>; sendBody: () => void; status: Promise<number> } {
  const body = JSON.stringify(payload);
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const req = httpRequest(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      expect: '100-continue',
      connection: 'close',
    },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.on('continue', () => started());
  req.flushHeaders();
  return { started: startedPromise, sendBody: () => req.end(body), status };
}

jest.setTimeout(30_000);

describe('The built server process (e2e)', () => {
  beforeAll(() => {
    ensureBuilt();
  }, 120_000);

  describe('logs', () => {
    it('should never log passwords or tokens, and tag request lines with the request id', async () => {
      const server = await startServer({ LOG_LEVEL: 'debug' });
      const user = newUser();
      let secrets: string[] = [user.password];
      try {
        const reg = await post(server, '/api/v1/auth/register', user, {
          'x-request-id': 'log-test-register',
        });
        expect(reg.status).toBe(201);
        const login = await post(
          server,
          '/api/v1/auth/login',
          { email: user.email, password: user.password },
          { 'x-request-id': 'log-test-login' },
        );
        expect(login.status).toBe(200);
        const refreshed = await post(
          server,
          '/api/v1/auth/refresh',
          { refresh_token: login.body.refresh_token },
          { 'x-request-id': 'log-test-refresh' },
        );
        expect(refreshed.status).toBe(200);
        // A failed login and a replayed refresh token take the warning paths.
        await post(server, '/api/v1/auth/login', { email: user.email, password: 'wrong-password' });
        await post(server, '/api/v1/auth/refresh', { refresh_token: login.body.refresh_token });
        const me = await fetch(`${server.baseUrl}/api/v1/users/me`, {
          headers: { authorization: `Bearer ${String(refreshed.body.token)}` },
        });
        expect(me.status).toBe(200);
        secrets = [
          user.password,
          String(login.body.refresh_token),
          String(refreshed.body.refresh_token),
          String(login.body.token),
          String(refreshed.body.token),
          'wrong-password',
        ];
      } finally {
        await server.stop();
      }

      const output = server.output();
      for (const secret of secrets) expect(output).not.toContain(secret);
      expect(output).not.toContain('$2b$');
      const lines = logLines(output);
      for (const id of ['log-test-register', 'log-test-login', 'log-test-refresh']) {
        const tagged = lines.filter((line) => (line.req as { id?: string } | undefined)?.id === id);
        expect(tagged.length).toBeGreaterThanOrEqual(1);
      }
      // Every line written while handling a request carries its id.
      const requestLines = lines.filter((line) => line.req !== undefined);
      expect(requestLines.length).toBeGreaterThanOrEqual(6);
      for (const line of requestLines) {
        expect((line.req as { id?: unknown }).id).toEqual(expect.any(String));
      }
    });
  });

  describe('graceful shutdown', () => {
    it('should finish a request in flight on SIGTERM and exit 0', async () => {
      const server = await startServer({ LOG_LEVEL: 'silent' });
      try {
        const user = newUser();
        expect((await post(server, '/api/v1/auth/register', user)).status).toBe(201);
        const body = JSON.stringify({ email: user.email, password: user.password });

        // `Expect: 100-continue` makes the server confirm it has the request before the body is
        // sent, so SIGTERM provably arrives while the request is in flight. The agent keeps its
        // connection open for as long as the server allows, as browsers and proxies do.
        const agent = new Agent({ keepAlive: true });
        const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpRequest(
            `${server.baseUrl}/api/v1/auth/login`,
            {
              method: 'POST',
              agent,
              headers: {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(body),
                expect: '100-continue',
              },
            },
            (res) => {
              let text = '';
              res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
            },
          );
          req.on('error', reject);
          req.on('continue', () => {
            server.child.kill('SIGTERM');
            req.end(body);
          });
          req.flushHeaders();
        });

        const answered = await response;
        expect(answered.status).toBe(200);
        expect(JSON.parse(answered.body)).toMatchObject({ token_type: 'Bearer' });
        await expect(server.exited).resolves.toBe(0);
        agent.destroy();
      } finally {
        await server.stop();
      }
    });
  });

  describe('the documented start commands (npm run start:prod, npm run start:worker)', () => {
    /** Starts the script and waits for the service's ready line; returns the service's pid. */
    async function startScript(
      script: string,
      readyLine: (port: number) => string,
      port?: number,
    ): Promise<{ npm: NpmScriptProcess; servicePid: number }> {
      port ??= await freePort();
      const ready = readyLine(port);
      const npm = spawnNpmScript(script, { PORT: String(port), LOG_LEVEL: 'info' });
      try {
        const line = await waitFor(
          () => {
            if (npm.child.exitCode !== null) throw new Error(`npm exited: ${npm.output()}`);
            return logLines(npm.output()).find((l) => l.msg === ready);
          },
          { timeoutMs: 25_000, intervalMs: 100, what: `"${ready}"` },
        );
        return { npm, servicePid: Number(line.pid) };
      } catch (error) {
        await npm.kill();
        throw error;
      }
    }

    it.each([
      ['start:prod', (port: number) => `Listening on port ${port}`, 'in-flight requests and jobs'],
      ['start:worker', () => 'Worker process ready', 'active jobs'],
    ])(
      'npm run %s should shut the service down gracefully when only npm gets SIGTERM, leaving no process',
      async (script, readyLine, finishing) => {
        const { npm, servicePid } = await startScript(script, readyLine);
        try {
          expect(servicePid).not.toBe(npm.child.pid);
          expect(processExists(servicePid)).toBe(true);

          process.kill(npm.child.pid!, 'SIGTERM');

          await expect(npm.exited).resolves.toBe(0);
          expect(logLines(npm.output())).toContainEqual(
            expect.objectContaining({ msg: `SIGTERM received: finishing ${finishing}` }),
          );
          expect(processExists(servicePid)).toBe(false);
          expect(npm.groupAlive()).toBe(false);
        } finally {
          await npm.kill();
        }
      },
      40_000,
    );

    it('npm run start:prod should stay graceful when Ctrl-C reaches the service twice', async () => {
      // Ctrl-C in a terminal signals the whole foreground group: the service gets SIGINT
      // directly and once more through npm, which forwards it to its child.
      const port = await freePort();
      const { npm, servicePid } = await startScript(
        'start:prod',
        () => `Listening on port ${port}`,
        port,
      );
      const logged = (msg: string) => () => logLines(npm.output()).some((l) => l.msg === msg);
      try {
        // A request in flight keeps the shutdown going while the second signal arrives.
        const held = holdRequest(`http://127.0.0.1:${port}/api/v1/auth/register`, newUser());
        await held.started;
        process.kill(servicePid, 'SIGINT');
        await waitFor(logged('SIGINT received: finishing in-flight requests and jobs'));
        process.kill(npm.child.pid!, 'SIGINT');
        await waitFor(logged('SIGINT received again: shutdown already in progress'));
        held.sendBody();

        await expect(held.status).resolves.toBe(201);
        await expect(npm.exited).resolves.toBe(0);
        expect(processExists(servicePid)).toBe(false);
        expect(npm.groupAlive()).toBe(false);
      } finally {
        await npm.kill();
      }
    });
  });

  describe('configuration errors', () => {
    const badSecret = 'leaky-secret-value-31-characters';
    it.each<[string, Record<string, string | undefined>, string]>([
      ['PORT=abc', { PORT: 'abc' }, 'PORT'],
      [
        'NODE_ENV=production without JWT_SECRET',
        { NODE_ENV: 'production', JWT_SECRET: undefined },
        'JWT_SECRET',
      ],
      ['a JWT_SECRET that is too short', { JWT_SECRET: badSecret.slice(0, 31) }, 'JWT_SECRET'],
    ])(
      'should refuse to start with %s, naming the variable in JSON log lines',
      async (_name, env, variable) => {
        const server = spawnServer(env);
        try {
          const code = await server.exited;
          expect(code).not.toBe(0);
          const output = server.output();
          expect(output).toMatch(new RegExp(`\\b${variable}\\b`));
          expect(output).toMatch(/Invalid configuration/);
          // The value of a secret is never printed, only its name and the rule it breaks.
          expect(output).not.toContain(badSecret.slice(0, 12));
          const lines = output.split('\n').filter((line) => line.trim() !== '');
          expect(lines.length).toBeGreaterThanOrEqual(1);
          for (const line of lines) {
            expect(JSON.parse(line)).toMatchObject({
              level: expect.any(Number),
              time: expect.any(Number),
              msg: expect.any(String),
            });
          }
        } finally {
          await server.stop();
        }
      },
    );
  });
});
