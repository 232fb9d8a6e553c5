import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IS_PUBLIC_KEY } from '../common/decorators/public.decorator';
import { DomainError, UnauthorizedError } from '../common/errors/domain-errors';
import { AnonymousRateLimiter } from '../rate-limit/anonymous-rate-limiter';

/** The global guard: every route needs a valid bearer token unless marked `@Public()`. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly anonymousLimit: AnonymousRateLimiter,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    try {
      // AuthGuard's canActivate is async; its declared type also allows the sync forms.
      return (await super.canActivate(context)) as boolean;
    } catch (error) {
      // A rejected token stops the guard chain before the rate-limit guard, so it is counted
      // here as an anonymous request; past the limit the answer becomes 429 instead of 401.
      if (error instanceof UnauthorizedError) {
        const http = context.switchToHttp();
        await this.anonymousLimit.hit(
          http.getRequest<FastifyRequest>().ip,
          http.getResponse<FastifyReply>(),
        );
      }
      throw error;
    }
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error instanceof DomainError) throw error;
    if (error || !user) throw new UnauthorizedError('missing or invalid access token');
    return user;
  }
}
