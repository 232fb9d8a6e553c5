/**
 * What a personal access token may be granted (API.md, Personal access tokens). Each scope is
 * independent: `tasks:write` does not include `tasks:read`, so a token holds exactly what its
 * creator ticked.
 */
export const TOKEN_SCOPES = [
  'tasks:read',
  'tasks:write',
  'projects:read',
  'projects:write',
  'webhooks',
  'notifications',
] as const;

export type TokenScope = (typeof TOKEN_SCOPES)[number];

/**
 * Who may call a route, declared on every route through `@Endpoint({ scope })`:
 * - a scope: a login session, or a personal access token holding that scope;
 * - `any`: a login session or any valid personal access token (`GET /users/me`);
 * - `session`: a login session only; a personal access token is refused with 403 (the token,
 *   password and session routes, so a leaked token cannot mint tokens or change the password);
 * - `public`: no token at all (register, login, health…).
 */
export type RouteAccess = TokenScope | 'any' | 'session' | 'public';

/** Metadata key of a route's `RouteAccess`, read by the scope guard. */
export const ROUTE_ACCESS_KEY = 'routeAccess';

/** The OpenAPI extension that states a route's `RouteAccess` (except `public`: `security: []`). */
export const ROUTE_ACCESS_EXTENSION = 'x-required-scope';

export function isTokenScope(value: string): value is TokenScope {
  return (TOKEN_SCOPES as readonly string[]).includes(value);
}

/** One sentence for the operation's description, so a reader of the docs sees the rule. */
export function describeRouteAccess(access: Exclude<RouteAccess, 'public'>): string {
  if (access === 'session') {
    return 'Needs a login session: a personal access token is refused (403).';
  }
  if (access === 'any') return 'Personal access tokens: any scope.';
  return `Personal access tokens need the \`${access}\` scope.`;
}

/** The 403 of a personal access token on a `session` route (or one that declares no access). */
export const SESSION_ONLY_MESSAGE =
  'this route needs a login session; personal access tokens are not accepted';

/** The 403 of a personal access token without the route's scope: it names the scope. */
export function missingScopeMessage(scope: TokenScope): string {
  return `this personal access token lacks the scope ${scope}`;
}
