import {
  NotFoundError,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationFailedError,
} from '../common/errors/domain-errors';

export class UnknownOidcProviderError extends NotFoundError {
  constructor() {
    super('unknown identity provider');
  }
}

export class RedirectNotAllowedError extends ValidationFailedError {
  constructor() {
    super(
      [{ field: 'redirect_uri', message: 'redirect_uri is not an allowed front-end URL' }],
      'redirect_uri: not an allowed front-end URL (OIDC_REDIRECT_ALLOWLIST)',
    );
  }
}

/** The callback's `state` is not one this service issued, or it was used or expired. */
export class UnknownOidcStateError extends ValidationFailedError {
  constructor() {
    super(
      [{ field: 'state', message: 'state is unknown, expired or already used' }],
      'state: unknown, expired or already used; start the login again',
    );
  }
}

export class InvalidLoginCodeError extends UnauthorizedError {
  constructor() {
    super('invalid or expired login code');
  }
}

export class OidcProviderUnavailableError extends ServiceUnavailableError {
  constructor(provider: string) {
    super(`the identity provider ${provider} does not answer; try again shortly`);
  }
}

export class OidcStoreUnavailableError extends ServiceUnavailableError {
  constructor() {
    super('single sign-on is unavailable: its state store (Redis) does not answer');
  }
}

/**
 * Why a login that came back from the provider failed: the `?error=` code the front end gets.
 * `access_denied`: the user refused or cancelled at the provider; `provider_error`: the
 * provider answered with another error; `provider_unavailable`: it could not be reached;
 * `token_rejected`: the code exchange failed or the ID token did not pass its checks
 * (signature, issuer, audience, nonce, expiry); `email_missing`: the provider gave no usable
 * email; `email_in_use`: the email belongs to an account this identity may not be linked to
 * (the provider does not say it is verified); `browser_mismatch`: the answer reached a browser
 * other than the one that started the login (its login cookie is missing or different).
 */
export type OidcLoginFailure =
  | 'access_denied'
  | 'provider_error'
  | 'provider_unavailable'
  | 'token_rejected'
  | 'email_missing'
  | 'email_in_use'
  | 'browser_mismatch';

export class OidcLoginFailedError extends Error {
  constructor(
    readonly failure: OidcLoginFailure,
    readonly reason: string,
  ) {
    super(`single sign-on failed: ${failure} (${reason})`);
    this.name = OidcLoginFailedError.name;
  }
}
