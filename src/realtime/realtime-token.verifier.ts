import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AccessTokenClaims, authUserFromClaims } from '../auth/jwt-claims';

/** Who a socket's token names, and until when it may stay open on it. */
export interface SocketIdentity {
  userId: number;
  /** Epoch milliseconds at which the token stops being valid. */
  expiresAtMs: number;
}

/**
 * The one place a WebSocket token is checked: an access token with the very checks of the
 * HTTP guard (pinned algorithm, issuer, audience, `exp`, `iat` and `sub`; see jwt-claims.ts).
 * Personal access tokens (`tms_…`) plug in here: look the token up and answer its user and
 * expiry (null when deleted or expired).
 */
@Injectable()
export class RealtimeTokenVerifier {
  constructor(private readonly jwt: JwtService) {}

  verify(token: unknown): Promise<SocketIdentity | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      return Promise.resolve(null);
    }
    try {
      const claims = this.jwt.verify<AccessTokenClaims & object>(token);
      const user = authUserFromClaims(claims);
      return Promise.resolve(
        user && { userId: user.id, expiresAtMs: (claims.exp as number) * 1000 },
      );
    } catch {
      return Promise.resolve(null);
    }
  }
}
