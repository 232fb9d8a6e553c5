import { Injectable, Logger } from '@nestjs/common';
import { isEmail } from 'class-validator';
// openid-client 6 (the maintained line; 5.x has had no release since 2024) is ESM-only. A
// static import compiles to `require()`, which loads an ES module on Node >= 20.19 (require(esm)
// without a flag; package.json's engines say so). Jest's own module loader cannot do that, nor a
// dynamic `import()` without --experimental-vm-modules, so jest.config.js transforms this
// package and its two ESM dependencies (oauth4webapi, jose) to CommonJS for the tests.
import * as client from 'openid-client';
import { isWellFormedText } from '../common/validators/text.validator';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import type { OidcProviderConfig } from '../config/oidc-env';
import {
  OidcLoginFailedError,
  OidcProviderUnavailableError,
  UnknownOidcProviderError,
} from './oidc.errors';
import type { PendingLogin } from './oidc-login-store';

/** Who the provider says signed in, after the ID token passed every check. */
export interface ProviderIdentity {
  /** The provider's `sub`. */
  subject: string;
  /** Lower-cased; absent when the provider gave none or an invalid one. */
  email?: string;
  /** Only a literal `true` from the provider counts. */
  emailVerified: boolean;
  preferredUsername?: string;
}

/** A provider that could not be discovered is asked again after this pause, not on every request. */
const DISCOVERY_RETRY_MS = 5_000;
/** Seconds any one request to a provider may take (discovery, token, JWKS, userinfo). */
const PROVIDER_TIMEOUT_SEC = 5;
const SCOPE = 'openid email profile';

interface Discovery {
  config: Promise<client.Configuration>;
  /** When a failed discovery may be tried again (Infinity once it succeeded). */
  retryAt: number;
}

/**
 * The configured OpenID Connect providers, and every call to them through openid-client. Each
 * provider's metadata is discovered on first use and kept, so a provider that is down when the
 * service boots stops nothing: its logins answer 503 until it answers again. The JWKS is fetched
 * and cached by openid-client (again when a token names an unknown key).
 */
@Injectable()
export class OidcProviders {
  private readonly logger = new Logger(OidcProviders.name);
  private readonly discoveries = new Map<string, Discovery>();

  constructor(@InjectAppConfig() private readonly config: AppConfigType) {}

  list(): readonly OidcProviderConfig[] {
    return this.config.oidc.providers;
  }

  get(name: string): OidcProviderConfig {
    const provider = this.config.oidc.providers.find((p) => p.name === name);
    if (!provider) throw new UnknownOidcProviderError();
    return provider;
  }

  /** The callback URL registered at the provider; sent as `redirect_uri` and checked by it. */
  callbackUrl(provider: OidcProviderConfig): string {
    return `${this.config.oidc.callbackBaseUrl}/api/v1/auth/oidc/${provider.name}/callback`;
  }

  /** The provider's authorization URL for one login, with state, nonce and the S256 challenge. */
  async authorizationUrl(
    provider: OidcProviderConfig,
    login: { state: string; nonce: string; codeChallenge: string },
  ): Promise<string> {
    const config = await this.configuration(provider);
    return client
      .buildAuthorizationUrl(config, {
        redirect_uri: this.callbackUrl(provider),
        scope: SCOPE,
        state: login.state,
        nonce: login.nonce,
        code_challenge: login.codeChallenge,
        code_challenge_method: 'S256',
      })
      .toString();
  }

  /**
   * Redeems the callback's code (with the PKCE verifier) and checks the ID token: signature
   * (the provider's JWKS), issuer, audience, expiry and nonce are openid-client's checks. The
   * email and preferred username come from the ID token, or from userinfo when the provider
   * keeps them there.
   */
  async finishLogin(
    provider: OidcProviderConfig,
    callbackQuery: string,
    state: string,
    pending: PendingLogin,
  ): Promise<ProviderIdentity> {
    const config = await this.configurationForCallback(provider);
    const currentUrl = new URL(`${this.callbackUrl(provider)}?${callbackQuery}`);
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw new OidcLoginFailedError(
        isNetworkError(error) ? 'provider_unavailable' : 'token_rejected',
        errorMessage(error),
      );
    }
    const claims = tokens.claims();
    if (!claims || typeof claims.sub !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(claims.sub)) {
      throw new OidcLoginFailedError('token_rejected', 'the ID token has no usable sub');
    }
    let profile: Record<string, unknown> = claims;
    if (claims.email === undefined && config.serverMetadata().userinfo_endpoint) {
      try {
        profile = {
          ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)),
          ...claims,
        };
      } catch (error) {
        throw new OidcLoginFailedError(
          isNetworkError(error) ? 'provider_unavailable' : 'provider_error',
          `userinfo: ${errorMessage(error)}`,
        );
      }
    }
    return {
      subject: claims.sub,
      email: usableEmail(profile.email),
      emailVerified: profile.email_verified === true,
      preferredUsername:
        typeof profile.preferred_username === 'string' ? profile.preferred_username : undefined,
    };
  }

  /** The discovered configuration, or 503 while the provider cannot be reached. */
  private async configuration(provider: OidcProviderConfig): Promise<client.Configuration> {
    const now = Date.now();
    let discovery = this.discoveries.get(provider.name);
    if (!discovery || (discovery.retryAt !== Infinity && discovery.retryAt <= now)) {
      const config = this.discover(provider);
      const entry: Discovery = { config, retryAt: Infinity };
      void config.catch(() => {
        entry.retryAt = Date.now() + DISCOVERY_RETRY_MS;
      });
      discovery = entry;
      this.discoveries.set(provider.name, entry);
    }
    try {
      return await discovery.config;
    } catch {
      throw new OidcProviderUnavailableError(provider.name);
    }
  }

  /** Inside a callback the user is sent back to the front end with `provider_unavailable`. */
  private async configurationForCallback(
    provider: OidcProviderConfig,
  ): Promise<client.Configuration> {
    try {
      return await this.configuration(provider);
    } catch (error) {
      throw new OidcLoginFailedError('provider_unavailable', errorMessage(error));
    }
  }

  private async discover(provider: OidcProviderConfig): Promise<client.Configuration> {
    const issuer = new URL(provider.issuer);
    try {
      const config = await client.discovery(
        issuer,
        provider.clientId,
        undefined,
        // Basic is the method every provider must support (RFC 6749 §2.3.1).
        client.ClientSecretBasic(provider.clientSecret),
        {
          // Plain http only for a provider on this machine (the config refuses it elsewhere).
          execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
          timeout: PROVIDER_TIMEOUT_SEC,
        },
      );
      config.timeout = PROVIDER_TIMEOUT_SEC;
      this.logger.log({ provider: provider.name }, 'Identity provider discovered');
      return config;
    } catch (error) {
      this.logger.warn(
        { provider: provider.name, reason: errorMessage(error) },
        'Identity provider discovery failed',
      );
      throw error;
    }
  }
}

function usableEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  return email.length <= 254 && isWellFormedText(email) && isEmail(email) ? email : undefined;
}

/** For the log: the message, and the claim that failed when a JWT check names one. */
function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const claim = (error.cause as { claim?: unknown } | undefined)?.claim;
  return typeof claim === 'string' ? `${error.message} (${claim})` : error.message;
}

/**
 * A provider that did not answer (refused, timed out), as opposed to one that answered no.
 * By name, not `instanceof`: under Jest the transformed package lives in another realm.
 */
function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error) && typeof error !== 'object') return false;
  const name = (error as Error).name;
  if (name === 'AbortError' || name === 'TimeoutError') return true;
  return name === 'TypeError' && /fetch failed/i.test((error as Error).message);
}
