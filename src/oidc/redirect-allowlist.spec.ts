import { isAllowedRedirect, withQuery } from './redirect-allowlist';

describe(isAllowedRedirect.name, () => {
  const allowlist = ['https://app.example.com/login/callback', 'http://localhost:3000/sso/'];

  it.each([
    'https://app.example.com/login/callback',
    'https://app.example.com/login/callback?next=%2Ftasks',
    'https://APP.example.com:443/login/callback',
    'http://localhost:3000/sso/',
    'http://localhost:3000/sso/done',
    'http://localhost:3000/sso/a/b?x=1',
  ])('should allow %s', (candidate) => {
    expect(isAllowedRedirect(candidate, allowlist)).toBe(true);
  });

  it.each([
    'https://evil.example.com/login/callback',
    'http://app.example.com/login/callback',
    'https://app.example.com:8443/login/callback',
    'https://app.example.com/login/callback/extra',
    'https://app.example.com/login/callbackx',
    'https://app.example.com/login',
    'https://user@app.example.com/login/callback',
    'https://app.example.com/login/callback#fragment',
    'https://app.example.com.evil.example/login/callback',
    'http://localhost:3000/sso',
    'http://localhost:3000/sso-evil',
    'http://localhost:3000/sso/../admin',
    'http://localhost:3001/sso/',
    'javascript:alert(1)',
    '//app.example.com/login/callback',
    '/login/callback',
    'not a url',
    '',
  ])('should refuse %s', (candidate) => {
    expect(isAllowedRedirect(candidate, allowlist)).toBe(false);
  });

  it('should refuse everything with an empty allowlist', () => {
    expect(isAllowedRedirect('https://app.example.com/login/callback', [])).toBe(false);
  });
});

describe(withQuery.name, () => {
  it('should keep the front end query and add the parameters, encoded', () => {
    expect(withQuery('https://app.example.com/cb?next=%2Ftasks', { login_code: 'a b&c' })).toBe(
      'https://app.example.com/cb?next=%2Ftasks&login_code=a+b%26c',
    );
  });
});
