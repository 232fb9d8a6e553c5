import type { Principal } from '../common/auth/principal';
import { assertRouteAccess, MissingScopeError } from './scope.guard';

describe(assertRouteAccess.name, () => {
  const expiresAt = new Date('2030-01-01T00:00:00.000Z');
  const session: Principal = { id: 1, kind: 'session', expiresAt };
  const token: Principal = {
    id: 1,
    kind: 'personal_access_token',
    tokenId: 7,
    scopes: ['tasks:read', 'webhooks'],
    expiresAt,
  };

  it('should let a login session call every route, session-only and undeclared ones included', () => {
    for (const access of ['tasks:write', 'session', 'any', undefined] as const) {
      expect(() => assertRouteAccess(session, access)).not.toThrow();
    }
  });

  it('should let a token call routes of its scopes and routes open to any token', () => {
    for (const access of ['tasks:read', 'webhooks', 'any'] as const) {
      expect(() => assertRouteAccess(token, access)).not.toThrow();
    }
  });

  it('should refuse a token without the scope with a 403 naming it', () => {
    expect(() => assertRouteAccess(token, 'tasks:write')).toThrow(
      new MissingScopeError('this personal access token lacks the scope tasks:write'),
    );
    // Only the scopes it holds: webhooks and tasks:read grant nothing on projects.
    expect(() => assertRouteAccess(token, 'projects:read')).toThrow(MissingScopeError);
  });

  it('should refuse a token on session-only routes, and on routes that declare nothing', () => {
    for (const access of ['session', undefined] as const) {
      expect(() => assertRouteAccess(token, access)).toThrow(
        'this route needs a login session; personal access tokens are not accepted',
      );
    }
  });
});
