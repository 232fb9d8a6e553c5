import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** The caller, as the authentication guard puts it on the request (a `Principal`, see common/auth). */
export interface AuthUser {
  id: number;
}

/** The signed-in caller (`@CurrentUser() user: AuthUser`). Only on guarded routes. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthUser => {
    const request = ctx.switchToHttp().getRequest<FastifyRequest & { user: AuthUser }>();
    return request.user;
  },
);
