import type { TokenScope } from './token-scopes';

/**
 * The caller of a request (or of a WebSocket), as the authentication service resolves it from a
 * bearer token: a login session (an access JWT) or a personal access token with its scopes.
 * Handlers see it as `AuthUser` (`@CurrentUser()`); only the guards look at the kind.
 * `expiresAt` is when the token stops being accepted (a long-lived connection re-checks it).
 */
export type Principal =
  | { id: number; kind: 'session'; expiresAt: Date }
  | {
      id: number;
      kind: 'personal_access_token';
      tokenId: number;
      scopes: readonly TokenScope[];
      expiresAt: Date;
    };
