import { Injectable } from '@nestjs/common';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import { LOGIN_STATE_TTL_SEC } from './oidc-login-store';

const NAME = 'oidc_login';
/** Sent back only to the single sign-on routes. */
const PATH = '/api/v1/auth/oidc';

/**
 * The cookie that ties a login to the browser that started it (OAuth 2.0 Security BCP, RFC 9700
 * §4.7): without it, anyone could start a login at their own account and send the provider's
 * answer to a victim, whose browser would then sign in as the attacker (login CSRF). HttpOnly;
 * SameSite=Lax, so it comes back on the provider's top-level redirect; Secure when the API is
 * reached over https.
 */
@Injectable()
export class OidcLoginCookie {
  private readonly secure: boolean;

  constructor(@InjectAppConfig() config: AppConfigType) {
    this.secure = config.oidc.callbackBaseUrl.startsWith('https:');
  }

  set(value: string): string {
    return this.format(value, LOGIN_STATE_TTL_SEC);
  }

  clear(): string {
    return this.format('', 0);
  }

  /** The cookie's value in a request's Cookie header, if any. */
  read(cookieHeader: string | undefined): string | undefined {
    for (const pair of (cookieHeader ?? '').split(';')) {
      const at = pair.indexOf('=');
      if (at !== -1 && pair.slice(0, at).trim() === NAME) return pair.slice(at + 1).trim();
    }
    return undefined;
  }

  private format(value: string, maxAgeSec: number): string {
    const attributes = [
      `${NAME}=${value}`,
      `Path=${PATH}`,
      `Max-Age=${maxAgeSec}`,
      'HttpOnly',
      'SameSite=Lax',
    ];
    if (this.secure) attributes.push('Secure');
    return attributes.join('; ');
  }
}
