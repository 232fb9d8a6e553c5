import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ACCESS_TOKEN_PREFIX } from '../access-tokens/access-token-secret';
import { AccessTokensService } from '../access-tokens/access-tokens.service';
import type { Principal } from '../common/auth/principal';
import { UnauthorizedError } from '../common/errors/domain-errors';
import { AccessTokenClaims, authUserFromClaims } from './jwt-claims';
import { VerifiedSessions } from './verified-sessions';

/**
 * The one place a bearer token becomes a caller, for every transport: the HTTP guard calls it,
 * and so do the WebSocket `auth` message and GraphQL. Two kinds of token:
 * - an access JWT of a login session: checked in memory (signature, pinned HS256, `exp`, `iss`,
 *   `aud`), with no database or Redis round trip, since it is on every request's path; once
 *   per token (VerifiedSessions), its `exp` on every use;
 * - a personal access token (`tms_…`): one indexed read of its row, so that a deletion or an
 *   expiry takes effect at once on every instance.
 * Anything else, or a token that fails its check, is an UnauthorizedError (401).
 */
@Injectable()
export class AuthenticationService {
  private readonly verified = new VerifiedSessions();

  constructor(
    private readonly jwt: JwtService,
    private readonly accessTokens: AccessTokensService,
  ) {}

  async authenticate(token: string): Promise<Principal> {
    return this.resolve(token);
  }

  /**
   * `authenticate`, with a session JWT's caller returned as it is rather than in a promise:
   * for the HTTP guard, on every request, where Nest takes a guard's plain `true` without
   * awaiting it (a promise there costs the guard chain five more, each through the promise
   * hooks of the request context's AsyncLocalStorage). A bad session token throws here.
   */
  resolve(token: string): Principal | Promise<Principal> {
    if (token.startsWith(ACCESS_TOKEN_PREFIX)) return this.accessTokens.authenticate(token);
    return this.session(token);
  }

  private session(token: string): Principal {
    const known = this.verified.get(token);
    if (known !== undefined) {
      return { id: known.userId, kind: 'session', expiresAt: new Date(known.exp * 1000) };
    }
    let claims: AccessTokenClaims;
    try {
      // JwtModule's verifyOptions (jwtVerifyOptions) pin the algorithm, issuer and audience.
      claims = this.jwt.verify<AccessTokenClaims & object>(token);
    } catch {
      throw new UnauthorizedError('missing or invalid access token');
    }
    const user = authUserFromClaims(claims);
    if (!user) throw new UnauthorizedError('invalid access token');
    // authUserFromClaims has checked that `exp` is a number.
    const exp = claims.exp as number;
    this.verified.add(token, { userId: user.id, exp });
    return { id: user.id, kind: 'session', expiresAt: new Date(exp * 1000) };
  }
}
