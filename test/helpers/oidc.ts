import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type TestAgent from 'supertest/lib/agent';
import { startTestApp, TestApp } from './app';
import { IdpAccount, TestIdp } from './oidc-idp';

export const OIDC_BASE = '/api/v1/auth/oidc';
/** Where browsers reach the API under test (OIDC_CALLBACK_BASE_URL); never resolved. */
const API_ORIGIN = 'http://api.test';
/** The front end's login page, in OIDC_REDIRECT_ALLOWLIST (with the prefix `/sso/`). */
export const FRONT = 'http://front.test/login/done';
export const IDP_CLIENT = { clientId: 'task-service', clientSecret: 'idp-client-secret-for-tests' };

export const callbackUrl = (provider: string): string =>
  `${API_ORIGIN}${OIDC_BASE}/${provider}/callback`;

export function tag(): string {
  return randomBytes(4).toString('hex');
}

/** A fresh account at a test provider, with a verified email unless told otherwise. */
export function idpAccount(overrides: Partial<IdpAccount> = {}): IdpAccount {
  const id = tag();
  return {
    sub: `sub-${id}`,
    email: `sso.${id}@example.com`,
    email_verified: true,
    preferred_username: `sso_${id}`,
    ...overrides,
  };
}

/** A login started by `authorize`: the provider URL and the browser's login cookie. */
export interface StartedLogin {
  url: URL;
  /** `oidc_login=<value>`, as the browser sends it back. */
  cookie: string;
  setCookie: string;
}

export interface SignedIn {
  id: number;
  username: string;
  email: string;
  token: string;
}

/** A port nothing listens on: the provider that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The service with three providers: `acme` (a real oidc-provider), `stale` (one whose clock is
 * two hours behind, so every ID token it signs expired an hour ago) and `down` (a closed port:
 * the service must boot anyway, discovery being lazy); plus the browser's steps.
 */
export class OidcTestbed {
  private constructor(
    readonly app: TestApp,
    readonly idp: TestIdp,
    readonly staleIdp: TestIdp,
    /** The run's Redis, under the app's key prefix. */
    readonly redis: Redis,
  ) {}

  static async start(): Promise<OidcTestbed> {
    const [idp, staleIdp] = await Promise.all([
      TestIdp.start({ ...IDP_CLIENT, redirectUris: [callbackUrl('acme')] }),
      TestIdp.start({ ...IDP_CLIENT, redirectUris: [callbackUrl('stale')], clockSkewSec: -7200 }),
    ]);
    const provider = (name: string, issuer: string): Record<string, string> => ({
      [`OIDC_${name}_ISSUER`]: issuer,
      [`OIDC_${name}_CLIENT_ID`]: IDP_CLIENT.clientId,
      [`OIDC_${name}_CLIENT_SECRET`]: IDP_CLIENT.clientSecret,
    });
    try {
      const app = await startTestApp({
        OIDC_PROVIDERS: 'acme,stale,down',
        ...provider('ACME', idp.issuer),
        OIDC_ACME_DISPLAY_NAME: 'Acme SSO',
        ...provider('STALE', staleIdp.issuer),
        ...provider('DOWN', `http://127.0.0.1:${await closedPort()}`),
        OIDC_REDIRECT_ALLOWLIST: `${FRONT}, http://front.test/sso/`,
        OIDC_CALLBACK_BASE_URL: API_ORIGIN,
      });
      const redis = new Redis({
        host: process.env.REDIS_HOST ?? '127.0.0.1',
        port: Number(process.env.REDIS_PORT ?? 6379),
        keyPrefix: process.env.REDIS_KEY_PREFIX,
      });
      return new OidcTestbed(app, idp, staleIdp, redis);
    } catch (error) {
      await Promise.all([idp.stop(), staleIdp.stop()]);
      throw error;
    }
  }

  get http(): TestAgent {
    return this.app.http;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await this.app.close();
    await Promise.all([this.idp.stop(), this.staleIdp.stop()]);
  }

  /** `GET authorize`: the provider's URL it redirects to, and the login cookie it sets. */
  async authorize(provider = 'acme', redirectUri = FRONT): Promise<StartedLogin> {
    const res = await this.http
      .get(`${OIDC_BASE}/${provider}/authorize`)
      .query({ redirect_uri: redirectUri })
      .expect(302);
    const setCookie = (res.headers['set-cookie'] as unknown as string[])[0];
    return { url: new URL(res.headers.location), cookie: setCookie.split(';')[0], setCookie };
  }

  /** The service's callback with the provider's answer: where it sends the browser next. */
  async callback(url: URL, cookie?: string): Promise<URL> {
    const request = this.http.get(`${url.pathname}${url.search}`);
    if (cookie !== undefined) void request.set('Cookie', cookie);
    const res = await request.expect(302);
    return new URL(res.headers.location);
  }

  /** The whole browser flow for an account at `server`: the front-end URL it ends at. */
  async signInAs(
    account: IdpAccount,
    { provider = 'acme', server = this.idp, redirectUri = FRONT } = {},
  ): Promise<URL> {
    await server.addAccount(account);
    const login = await this.authorize(provider, redirectUri);
    const back = await server.signIn(login.url.href, account.sub, callbackUrl(provider));
    return this.callback(back, login.cookie);
  }

  /** The session's user (and access token) for a login code. */
  async exchange(loginCode: string): Promise<SignedIn> {
    const res = await this.http
      .post(`${OIDC_BASE}/exchange`)
      .send({ login_code: loginCode })
      .expect(200);
    const body = res.body as { token: string; user: Omit<SignedIn, 'token'> };
    return { ...body.user, token: body.token };
  }
}
