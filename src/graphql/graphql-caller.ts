import type { RouteAccess } from '../common/auth/token-scopes';
import { UnauthorizedError } from '../common/errors/domain-errors';
import { assertRouteAccess } from '../auth/scope.guard';
import type { GqlContext } from './graphql-context';
import type { RequestLoaders } from './request-loaders';

/**
 * The caller's user id for an operation or field that needs `access` (the `scope` of the REST
 * route serving the same data): 401 without a valid token, 403 FORBIDDEN naming the scope for a
 * personal access token that lacks it. Every resolver starts here, so a field can never be
 * reached with fewer rights than its REST twin.
 */
export function callerOf(context: GqlContext, access: RouteAccess): number {
  if (context.authError) throw context.authError;
  const principal = context.principal;
  if (!principal) throw new UnauthorizedError('missing or invalid access token');
  assertRouteAccess(principal, access);
  return principal.id;
}

/** The request's batch loaders, for a field that needs `access`. */
export function loadersOf(context: GqlContext, access: RouteAccess): RequestLoaders {
  callerOf(context, access);
  // The request hooks make them together with the principal, so they exist once callerOf passed.
  if (!context.loaders) throw new UnauthorizedError('missing or invalid access token');
  return context.loaders;
}
