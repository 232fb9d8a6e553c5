import { ConfigValidationError, loadConfig } from './env';

const SECRET_VALUE = 'very-secret-client-secret';

const ACME = {
  OIDC_PROVIDERS: 'Acme, google',
  OIDC_ACME_ISSUER: 'https://id.acme.example/realms/staff',
  OIDC_ACME_CLIENT_ID: 'task-service',
  OIDC_ACME_CLIENT_SECRET: SECRET_VALUE,
  OIDC_ACME_DISPLAY_NAME: 'Acme staff',
  OIDC_GOOGLE_ISSUER: 'https://accounts.google.com',
  OIDC_GOOGLE_CLIENT_ID: '123.apps.googleusercontent.com',
  OIDC_GOOGLE_CLIENT_SECRET: 'g-secret',
  OIDC_REDIRECT_ALLOWLIST: 'https://app.example.com/login/done, http://localhost:3000/sso/',
  OIDC_CALLBACK_BASE_URL: 'https://api.example.com/',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('OIDC configuration', () => {
  it('should be off without OIDC_PROVIDERS, whatever else is set', () => {
    expect(loadConfig({ OIDC_REDIRECT_ALLOWLIST: 'not a url' }).oidc).toEqual({
      providers: [],
      redirectAllowlist: [],
      callbackBaseUrl: '',
    });
  });

  it('should read every provider, the allowlist and the callback base', () => {
    expect(loadConfig(ACME).oidc).toEqual({
      providers: [
        {
          name: 'acme',
          displayName: 'Acme staff',
          issuer: 'https://id.acme.example/realms/staff',
          clientId: 'task-service',
          clientSecret: SECRET_VALUE,
        },
        {
          name: 'google',
          displayName: 'google',
          issuer: 'https://accounts.google.com',
          clientId: '123.apps.googleusercontent.com',
          clientSecret: 'g-secret',
        },
      ],
      redirectAllowlist: ['https://app.example.com/login/done', 'http://localhost:3000/sso/'],
      callbackBaseUrl: 'https://api.example.com',
    });
  });

  it('should allow plain http for an issuer on this machine only', () => {
    expect(
      loadConfig({ ...ACME, OIDC_ACME_ISSUER: 'http://127.0.0.1:9000' }).oidc.providers[0].issuer,
    ).toBe('http://127.0.0.1:9000');
    expect(problemsOf({ ...ACME, OIDC_ACME_ISSUER: 'http://id.acme.example' })).toEqual([
      expect.stringMatching(/^OIDC_ACME_ISSUER must be an https URL/),
    ]);
  });

  it('should name every bad variable at once, and never print a client secret', () => {
    const problems = problemsOf({
      OIDC_PROVIDERS: 'acme',
      OIDC_ACME_ISSUER: 'ftp://id.acme.example',
      OIDC_ACME_CLIENT_SECRET: 'x'.repeat(1025),
      OIDC_REDIRECT_ALLOWLIST: 'https://app.example.com/cb#frag',
    });
    expect(problems.map((p) => p.split(' ')[0])).toEqual([
      'OIDC_ACME_ISSUER',
      'OIDC_ACME_CLIENT_ID',
      'OIDC_ACME_CLIENT_SECRET',
      'OIDC_REDIRECT_ALLOWLIST',
      'OIDC_CALLBACK_BASE_URL',
    ]);
    expect(problems.join('\n')).not.toContain('x'.repeat(20));
    expect(problems.join('\n')).toContain('ftp://id.acme.example');
  });

  it.each([
    ['a bad name', 'acme,bad-name'],
    ['a duplicate', 'acme,ACME'],
  ])('should refuse OIDC_PROVIDERS with %s', (_case, providers) => {
    expect(problemsOf({ ...ACME, OIDC_PROVIDERS: providers })).toEqual([
      expect.stringMatching(/^OIDC_PROVIDERS must be/),
    ]);
  });

  it('should refuse an allowlist entry with a query, and an empty allowlist', () => {
    expect(
      problemsOf({ ...ACME, OIDC_REDIRECT_ALLOWLIST: 'https://app.example.com/cb?x=1' }),
    ).toEqual([expect.stringMatching(/^OIDC_REDIRECT_ALLOWLIST must be/)]);
    expect(problemsOf({ ...ACME, OIDC_REDIRECT_ALLOWLIST: ' , ' })).toEqual([
      expect.stringMatching(/^OIDC_REDIRECT_ALLOWLIST must be/),
    ]);
  });
});
