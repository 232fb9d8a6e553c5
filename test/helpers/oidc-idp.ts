import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Claims of an account at the test provider. */
export interface IdpAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
}

export interface IdpOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Moves the provider's clock (seconds): -7200 makes every ID token it issues expired. */
  clockSkewSec?: number;
}

const SCRIPT = join(__dirname, 'oidc-idp.mjs');
const START_TIMEOUT_MS = 20_000;

/**
 * A real OpenID Connect provider (oidc-provider, in its own Node process: it is ESM-only) and a
 * browser's part of the flow, done with plain HTTP: follow the provider's redirects by hand,
 * carrying its cookies, and submit its login and consent forms.
 */
export class TestIdp {
  private constructor(
    private readonly child: ChildProcess,
    readonly issuer: string,
  ) {}

  static async start(options: IdpOptions): Promise<TestIdp> {
    const child = spawn(process.execPath, [SCRIPT, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    const lines = createInterface({ input: child.stdout });
    try {
      const issuer = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`test IdP did not start:\n${log}`)),
          START_TIMEOUT_MS,
        );
        lines.once('line', (line) => {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { issuer: string }).issuer);
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`test IdP exited with ${code}:\n${log}`));
        });
      });
      return new TestIdp(child, issuer);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  async addAccount(account: IdpAccount): Promise<void> {
    const res = await fetch(`${this.issuer}/__accounts`, {
      method: 'POST',
      body: JSON.stringify(account),
    });
    if (res.status !== 204) throw new Error(`registering ${account.sub}: ${res.status}`);
  }

  /**
   * Plays the browser at the provider: from the authorization URL, signs in as `sub` and
   * consents, until the provider sends the browser back to `returnTo` (the service's
   * callback). Returns that URL (with `code`, `state`, `iss` or `error`).
   */
  signIn(authorizationUrl: string, sub: string, returnTo: string): Promise<URL> {
    return this.browse(authorizationUrl, returnTo, { sub });
  }

  /** Like signIn, but the user cancels at the provider's login page. */
  abort(authorizationUrl: string, returnTo: string): Promise<URL> {
    return this.browse(authorizationUrl, returnTo, { abort: true });
  }

  private async browse(
    authorizationUrl: string,
    returnTo: string,
    user: { sub?: string; abort?: boolean },
  ): Promise<URL> {
    const cookies = new Map<string, string>();
    let next = new URL(authorizationUrl);
    for (let hop = 0; hop < 20; hop += 1) {
      if (next.href.startsWith(returnTo)) return next;
      const interaction = /^\/interaction\/[^/]+$/.test(next.pathname);
      if (interaction && user.abort) next = new URL(`${next.pathname}/abort`, next);
      let res = await this.request(next, cookies);
      if (interaction && !user.abort && res.status === 200) {
        const page = await res.text();
        const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1] ?? '';
        const form = new URLSearchParams({ prompt });
        if (prompt === 'login') form.set('login', user.sub ?? '');
        res = await this.request(next, cookies, form);
      }
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) {
        throw new Error(`test IdP answered ${res.status} at ${next.pathname}: ${await res.text()}`);
      }
      next = new URL(location, next);
    }
    throw new Error('test IdP: too many redirects');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  private async request(
    url: URL,
    cookies: Map<string, string>,
    form?: URLSearchParams,
  ): Promise<Response> {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form?.toString(),
    });
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  }
}
