import type { AppConfigType } from '../config/app-config';
import { OidcLoginCookie } from './oidc-login-cookie';

const cookieFor = (callbackBaseUrl: string): OidcLoginCookie =>
  new OidcLoginCookie({ oidc: { callbackBaseUrl } } as unknown as AppConfigType);

describe(OidcLoginCookie.name, () => {
  it('should be HttpOnly, Lax, scoped to the single sign-on routes, and Secure over https', () => {
    expect(cookieFor('https://api.example.com').set('v1')).toBe(
      'oidc_login=v1; Path=/api/v1/auth/oidc; Max-Age=600; HttpOnly; SameSite=Lax; Secure',
    );
    expect(cookieFor('http://localhost:8080').set('v1')).toBe(
      'oidc_login=v1; Path=/api/v1/auth/oidc; Max-Age=600; HttpOnly; SameSite=Lax',
    );
    expect(cookieFor('https://api.example.com').clear()).toMatch(/^oidc_login=; .*Max-Age=0;/);
  });

  it('should read its value among other cookies, and nothing from a look-alike', () => {
    const cookie = cookieFor('https://api.example.com');
    expect(cookie.read('a=1; oidc_login=abc-_1 ; b=2')).toBe('abc-_1');
    expect(cookie.read('xoidc_login=abc; oidc_login_x=def')).toBeUndefined();
    expect(cookie.read(undefined)).toBeUndefined();
    expect(cookie.read('')).toBeUndefined();
  });
});
