/** One OpenID Connect identity provider (OIDC_<NAME>_*). */
export interface OidcProviderConfig {
  /** Lower-case name: the `{name}` of the routes and the `<NAME>` of its variables. */
  name: string;
  displayName: string;
  /** The issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export interface OidcConfig {
  /** Empty: single sign-on is off (the provider list answers `[]`). */
  providers: OidcProviderConfig[];
  /** Front-end URLs a login may return to (see `isAllowedRedirect`). */
  redirectAllowlist: string[];
  /**
   * Where browsers reach this API (OIDC_CALLBACK_BASE_URL, no trailing slash): the callback
   * registered at each provider is `<base>/api/v1/auth/oidc/<name>/callback`. Taken from config,
   * never from the request's Host header, which a client chooses.
   */
  callbackBaseUrl: string;
}

type Raw = (name: string) => string | undefined;
type Fail = (name: string, expected: string) => void;

const PROVIDER_NAME = /^[a-z][a-z0-9_]{0,31}$/;

/** Loopback hosts, where an identity provider on plain http (a local one, a test's) is allowed. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An absolute http(s) URL without user info, query or fragment, or undefined. */
function plainUrl(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const ok =
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.hash === '' &&
    !value.includes('?') &&
    !value.includes('#');
  return ok ? url : undefined;
}

/**
 * Reads the OIDC_* variables. Problems are reported through `fail` by variable name, so the
 * boot lists them with every other one; a client secret's value is never part of a message.
 */
export function parseOidcConfig(raw: Raw, fail: Fail): OidcConfig {
  const config: OidcConfig = { providers: [], redirectAllowlist: [], callbackBaseUrl: '' };
  const names = (raw('OIDC_PROVIDERS') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) return config;
  const bad = names.filter((name) => !PROVIDER_NAME.test(name));
  if (bad.length > 0) {
    fail(
      'OIDC_PROVIDERS',
      'a comma list of names of 1-32 letters, digits or _ (starting with a letter)',
    );
    return config;
  }
  if (new Set(names).size !== names.length) {
    fail('OIDC_PROVIDERS', 'a list without duplicate names');
    return config;
  }

  for (const name of names) {
    const prefix = `OIDC_${name.toUpperCase()}_`;
    const issuerVar = `${prefix}ISSUER`;
    const issuer = raw(issuerVar);
    const issuerUrl = issuer === undefined ? undefined : plainUrl(issuer);
    if (!issuerUrl) {
      fail(
        issuerVar,
        'the https URL of the identity provider (its issuer), without query or fragment',
      );
    } else if (issuerUrl.protocol === 'http:' && !LOOPBACK.has(issuerUrl.hostname)) {
      // Tokens and discovery over plain http could be read or forged on the way; only a
      // provider on this machine (development, tests) is exempt.
      fail(issuerVar, 'an https URL (plain http is allowed for localhost only)');
    }
    const clientId = raw(`${prefix}CLIENT_ID`);
    if (clientId === undefined || !/^[\x21-\x7e]{1,255}$/.test(clientId)) {
      fail(
        `${prefix}CLIENT_ID`,
        'the client id registered at the provider (1-255 printable characters)',
      );
    }
    const clientSecret = raw(`${prefix}CLIENT_SECRET`);
    if (clientSecret === undefined || clientSecret.length > 1024) {
      fail(
        `${prefix}CLIENT_SECRET`,
        'the client secret registered at the provider (1-1024 characters)',
      );
    }
    const displayName = raw(`${prefix}DISPLAY_NAME`) ?? name;
    if (displayName.length > 100 || /\p{Cc}/u.test(displayName)) {
      fail(`${prefix}DISPLAY_NAME`, 'at most 100 characters without control characters');
    }
    config.providers.push({
      name,
      displayName,
      issuer: issuer ?? '',
      clientId: clientId ?? '',
      clientSecret: clientSecret ?? '',
    });
  }

  const allowlist = (raw('OIDC_REDIRECT_ALLOWLIST') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (allowlist.length === 0 || allowlist.some((entry) => !plainUrl(entry))) {
    fail(
      'OIDC_REDIRECT_ALLOWLIST',
      'a comma list of front-end URLs like https://app.example.com/login/callback (no query or fragment) when OIDC_PROVIDERS is set',
    );
  }
  config.redirectAllowlist = allowlist;

  const base = raw('OIDC_CALLBACK_BASE_URL');
  if (base === undefined || !plainUrl(base)) {
    fail(
      'OIDC_CALLBACK_BASE_URL',
      'the public URL of this API, like https://api.example.com, when OIDC_PROVIDERS is set',
    );
  }
  config.callbackBaseUrl = (base ?? '').replace(/\/+$/, '');
  return config;
}
