import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** What the JWT guard puts on the request: the caller, from the token's claims. */
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
