import { Injectable } from '@nestjs/common';
import { AuthenticationService } from '../auth/authentication.service';
import { assertRouteAccess } from '../auth/scope.guard';

/** Who a socket's token names, and until when it may stay open on it. */
export interface SocketIdentity {
  userId: number;
  /** Epoch milliseconds at which the token stops being valid. */
  expiresAtMs: number;
}

/**
 * The one place a WebSocket token is checked, by the same AuthenticationService as every HTTP
 * request: an access token of a login session, or a personal access token (`tms_…`, which must
 * hold `tasks:read`: the stream carries task events). Null for anything it refuses.
 */
@Injectable()
export class RealtimeTokenVerifier {
  constructor(private readonly authentication: AuthenticationService) {}

  async verify(token: unknown): Promise<SocketIdentity | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) return null;
    try {
      const principal = await this.authentication.authenticate(token);
      assertRouteAccess(principal, 'tasks:read');
      return { userId: principal.id, expiresAtMs: principal.expiresAt.getTime() };
    } catch {
      return null;
    }
  }
}
