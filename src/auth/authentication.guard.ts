import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../common/auth/principal';
import { IS_PUBLIC_KEY } from '../common/decorators/public.decorator';
import { UnauthorizedError } from '../common/errors/domain-errors';
import { RouteMetadataCache } from '../common/http/route-metadata';
import { AnonymousRateLimiter } from '../rate-limit/anonymous-rate-limiter';
import { AuthenticationService } from './authentication.service';
import { bearerToken } from './bearer-token';

/**
 * The first global guard: every route needs a valid bearer token (a session's JWT or a personal
 * access token) unless marked public. It puts the caller on `request.user`; the rate-limit guard
 * then counts it per user, and the scope guard checks a personal access token's scopes.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly isPublic: RouteMetadataCache<boolean>;

  constructor(
    reflector: Reflector,
    private readonly authentication: AuthenticationService,
    private readonly anonymousLimit: AnonymousRateLimiter,
  ) {
    this.isPublic = new RouteMetadataCache(
      (handler, controller) =>
        reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [handler, controller]) === true,
    );
  }

  /** True once `request.user` is set; synchronous for a session JWT (AuthenticationService.resolve). */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    // GraphQL resolvers are no HTTP routes: their caller is resolved once per request by the
    // GraphQL layer (GraphqlOptions' request hooks), with the same service.
    if (context.getType() !== 'http') return true;
    if (this.isPublic.get(context)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { user?: Principal }>();
    let principal: Principal | Promise<Principal>;
    try {
      principal = this.authentication.resolve(bearerToken(request.headers.authorization));
    } catch (error) {
      return this.refuse(error, request, http.getResponse<FastifyReply>());
    }
    if (principal instanceof Promise) {
      return principal.then(
        (caller) => {
          request.user = caller;
          return true;
        },
        (error: unknown) => this.refuse(error, request, http.getResponse<FastifyReply>()),
      );
    }
    request.user = principal;
    return true;
  }

  /**
   * A rejected token stops the guard chain before the rate-limit guard, so it is counted here
   * as an anonymous request; past the limit the answer becomes 429 instead of 401.
   */
  private async refuse(
    error: unknown,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<never> {
    if (error instanceof UnauthorizedError) await this.anonymousLimit.hit(request.ip, reply);
    throw error;
  }
}
