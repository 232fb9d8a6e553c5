import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { from, mergeMap, Observable } from 'rxjs';
import type { AuthUser } from '../common/decorators/current-user.decorator';
import { RecentWrites } from './recent-writes';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * With read replicas: after a signed-in user's write succeeds, and before it is answered,
 * records the time (RecentWrites), so the reads that follow it on any instance see it.
 * Installed as a global interceptor only when replicas are configured (`createApp`): Nest runs
 * every request through rxjs for each global interceptor, even one that lets it pass.
 */
@Injectable()
export class ReadYourWritesInterceptor implements NestInterceptor {
  constructor(private readonly recentWrites: RecentWrites) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    if (!WRITE_METHODS.has(request.method)) return next.handle();
    return next.handle().pipe(
      mergeMap((body: unknown) => {
        const userId = request.user?.id;
        if (userId === undefined) return from([body]);
        return from(this.recentWrites.noteWrite(userId).then(() => body));
      }),
    );
  }
}
