import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Principal } from '../common/auth/principal';
import {
  missingScopeMessage,
  ROUTE_ACCESS_KEY,
  RouteAccess,
  SESSION_ONLY_MESSAGE,
} from '../common/auth/token-scopes';
import { ForbiddenError } from '../common/errors/domain-errors';

export class MissingScopeError extends ForbiddenError {}

/**
 * Whether `principal` may call a route that declares `access` (see RouteAccess), else the 403 to
 * answer. A personal access token on a route that declares nothing is refused like on a
 * session-only route: a route that forgot its scope fails closed. Exported for the transports
 * that are no Nest HTTP route (WebSocket, GraphQL).
 */
export function assertRouteAccess(principal: Principal, access: RouteAccess | undefined): void {
  if (principal.kind === 'session' || access === 'any' || access === 'public') return;
  if (access === undefined || access === 'session') {
    throw new MissingScopeError(SESSION_ONLY_MESSAGE);
  }
  if (!principal.scopes.includes(access)) throw new MissingScopeError(missingScopeMessage(access));
}

/**
 * The last global guard, after the rate limit (so that refused requests of a token still count
 * against its user's limit): holds a personal access token to the scope its route declares
 * through `@Endpoint({ scope })`. Login sessions may call every route.
 */
@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    // GraphQL holds tokens to scopes per operation and field (src/graphql/graphql-caller.ts).
    if (context.getType() !== 'http') return true;
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    // No caller: a public route (the authentication guard let nothing else through).
    if (principal === undefined || principal.kind === 'session') return true;
    assertRouteAccess(
      principal,
      this.reflector.get<RouteAccess | undefined>(ROUTE_ACCESS_KEY, context.getHandler()),
    );
    return true;
  }
}
