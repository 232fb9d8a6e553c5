import { Injectable, Logger } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import type { SessionResponseDto } from '../auth/dto/auth.dto';
import { AuthService } from '../auth/auth.service';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import { OidcProviderDto } from './dto/oidc.dto';
import {
  InvalidLoginCodeError,
  OidcLoginFailedError,
  RedirectNotAllowedError,
  UnknownOidcStateError,
} from './oidc.errors';
import { OidcAccountsService } from './oidc-accounts.service';
import { OidcLoginStore, sha256 } from './oidc-login-store';
import { OidcProviders } from './oidc-providers';
import { isAllowedRedirect, withQuery } from './redirect-allowlist';

/**
 * Single sign-on with OpenID Connect, authorization code flow with PKCE: `startLogin` sends the
 * browser to the provider, `finishLogin` takes it back and hands the front end a one-time
 * `login_code`, and `exchange` turns that code into an ordinary session. The tokens never
 * travel in a URL: only the 60-second, single-use code does.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger(OidcService.name);

  constructor(
    private readonly providers: OidcProviders,
    private readonly store: OidcLoginStore,
    private readonly accounts: OidcAccountsService,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    @InjectAppConfig() private readonly config: AppConfigType,
  ) {}

  listProviders(): OidcProviderDto[] {
    return this.providers.list().map((p) => ({ name: p.name, display_name: p.displayName }));
  }

  /**
   * A new login that will return to `redirectUri`: the provider's authorization URL, and the
   * value of the cookie that binds the login to this browser.
   */
  async startLogin(
    name: string,
    redirectUri: string,
  ): Promise<{ url: string; browserBinding: string }> {
    const provider = this.providers.get(name);
    if (!isAllowedRedirect(redirectUri, this.config.oidc.redirectAllowlist)) {
      throw new RedirectNotAllowedError();
    }
    const codeVerifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const browserBinding = randomBytes(32).toString('base64url');
    const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
    const state = await this.store.begin({
      provider: name,
      codeVerifier,
      nonce,
      redirectUri,
      browserBindingHash: sha256(browserBinding),
    });
    const url = await this.providers.authorizationUrl(provider, { state, nonce, codeChallenge });
    return { url, browserBinding };
  }

  /**
   * Where the browser goes after the provider's answer: the front end with `login_code`, or
   * with `error` when the login failed. A `state` this service did not issue (or already used)
   * names no front end to trust, so it is a 400 instead.
   */
  async finishLogin(
    name: string,
    params: { state: string; code?: string; error?: string },
    rawQuery: string,
    browserBinding: string | undefined,
  ): Promise<string> {
    const provider = this.providers.get(name);
    const pending = await this.store.take(params.state);
    if (!pending || pending.provider !== provider.name) throw new UnknownOidcStateError();
    try {
      if (!sameBrowser(browserBinding, pending.browserBindingHash)) {
        throw new OidcLoginFailedError(
          'browser_mismatch',
          'the answer came to a browser without the cookie of the login',
        );
      }
      if (params.error !== undefined) {
        throw new OidcLoginFailedError(
          params.error === 'access_denied' ? 'access_denied' : 'provider_error',
          `the provider answered ${params.error}`,
        );
      }
      const identity = await this.providers.finishLogin(provider, rawQuery, params.state, pending);
      const user = await this.accounts.resolve(provider.name, identity);
      const loginCode = await this.store.issueLoginCode(user.id);
      this.logger.log({ userId: user.id, provider: provider.name }, 'Single sign-on succeeded');
      return withQuery(pending.redirectUri, { login_code: loginCode });
    } catch (error) {
      if (!(error instanceof OidcLoginFailedError)) throw error;
      this.logger.warn(
        { provider: provider.name, failure: error.failure, reason: error.reason },
        'Single sign-on failed',
      );
      return withQuery(pending.redirectUri, { error: error.failure });
    }
  }

  /** A session for the user of a login code; the code works once, within 60 seconds. */
  async exchange(loginCode: string): Promise<SessionResponseDto> {
    const userId = await this.store.redeemLoginCode(loginCode);
    if (userId === null) throw new InvalidLoginCodeError();
    return this.auth.signIn(await this.users.getMe(userId));
  }
}

/** Whether the login cookie's value hashes to the one stored with the login (constant time). */
function sameBrowser(browserBinding: string | undefined, expectedHash: string): boolean {
  if (browserBinding === undefined) return false;
  return timingSafeEqual(Buffer.from(sha256(browserBinding)), Buffer.from(expectedHash));
}
