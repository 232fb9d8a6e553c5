import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { OidcStoreUnavailableError } from './oidc.errors';

/** What `authorize` remembers for its callback. */
export interface PendingLogin {
  provider: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  /** SHA-256 of the value of the browser's login cookie (see OidcLoginCookie). */
  browserBindingHash: string;
}

/** A login started must come back within this time (the user may have to sign in at the IdP). */
export const LOGIN_STATE_TTL_SEC = 600;
/** The front end exchanges its `login_code` at once; API.md gives it 60 seconds. */
export const LOGIN_CODE_TTL_SEC = 60;

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/**
 * Redis keys (under REDIS_KEY_PREFIX) of a pending login and of a login code. Only hashes of
 * the values are keys, so a Redis dump holds no usable `state` or `login_code`. Each key is one
 * slot (no multi-key command), so a Redis Cluster serves them as they are.
 */
export const oidcStateKey = (state: string): string => `oidc:state:${sha256(state)}`;
export const oidcLoginCodeKey = (code: string): string => `oidc:code:${sha256(code)}`;

/**
 * Short-lived, single-use login state in Redis: the pending login behind each `state`, and the
 * one-time `login_code` that a finished login hands to the front end. Both are taken with
 * GETDEL, so of two callbacks with one state, or two exchanges of one code, exactly one gets
 * it. Redis rather than MySQL: each value lives seconds to minutes and expires by itself; while
 * Redis is down single sign-on answers 503 (password login keeps working).
 */
@Injectable()
export class OidcLoginStore {
  private readonly logger = new Logger(OidcLoginStore.name);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** Remembers a login and returns its `state`: 256 random bits. */
  async begin(pending: PendingLogin): Promise<string> {
    const state = randomBytes(32).toString('base64url');
    await this.call(() =>
      this.redis.set(oidcStateKey(state), JSON.stringify(pending), 'EX', LOGIN_STATE_TTL_SEC),
    );
    return state;
  }

  /** The pending login of `state`, removed as it is read; null when unknown, used or expired. */
  async take(state: string): Promise<PendingLogin | null> {
    const value = await this.call(() => this.redis.getdel(oidcStateKey(state)));
    return value === null ? null : (JSON.parse(value) as PendingLogin);
  }

  /** A one-time code that the exchange turns into a session of `userId`. */
  async issueLoginCode(userId: number): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    await this.call(() =>
      this.redis.set(oidcLoginCodeKey(code), JSON.stringify({ userId }), 'EX', LOGIN_CODE_TTL_SEC),
    );
    return code;
  }

  /** The user of a login code, which stops working at once; null when unknown, used or expired. */
  async redeemLoginCode(code: string): Promise<number | null> {
    const value = await this.call(() => this.redis.getdel(oidcLoginCodeKey(code)));
    return value === null ? null : (JSON.parse(value) as { userId: number }).userId;
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      this.logger.warn({ err: error }, 'Single sign-on state store failed');
      throw new OidcStoreUnavailableError();
    }
  }
}
