import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { Principal } from '../common/auth/principal';
import { UnauthorizedError } from '../common/errors/domain-errors';
import type { AnonymousRateLimiter } from '../rate-limit/anonymous-rate-limiter';
import { AuthenticationGuard } from './authentication.guard';
import type { AuthenticationService } from './authentication.service';

class TestController {
  handler(): void {}
}

describe(AuthenticationGuard.name, () => {
  const expiresAt = new Date('2030-01-01T00:00:00.000Z');
  const session: Principal = { id: 42, kind: 'session', expiresAt };
  const token: Principal = {
    id: 7,
    kind: 'personal_access_token',
    tokenId: 3,
    scopes: ['tasks:read'],
    expiresAt,
  };
  let resolve: jest.Mock<Principal | Promise<Principal>, [string]>;
  let hit: jest.Mock<Promise<void>, [string, unknown]>;
  let guard: AuthenticationGuard;

  const contextFor = (authorization?: string) => {
    const request: { headers: Record<string, string>; ip: string; user?: Principal } = {
      headers: authorization === undefined ? {} : { authorization },
      ip: '203.0.113.9',
    };
    const reply = {};
    const context = new ExecutionContextHost(
      [request, reply],
      TestController,
      TestController.prototype.handler,
    );
    context.setType('http');
    return { context, request, reply };
  };

  beforeEach(() => {
    resolve = jest.fn();
    hit = jest.fn().mockResolvedValue(undefined);
    guard = new AuthenticationGuard(
      new Reflector(),
      { resolve } as unknown as AuthenticationService,
      { hit } as unknown as AnonymousRateLimiter,
    );
  });

  it('should let a session JWT through at once, not in a promise, with its caller set', () => {
    resolve.mockReturnValue(session);
    const { context, request } = contextFor('Bearer a.b.c');

    expect(guard.canActivate(context)).toBe(true);
    expect(request.user).toBe(session);
    expect(resolve).toHaveBeenCalledWith('a.b.c');
    expect(hit).not.toHaveBeenCalled();
  });

  it('should let a personal access token through once its lookup resolves', async () => {
    resolve.mockResolvedValue(token);
    const { context, request } = contextFor('Bearer tms_abc');

    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request.user).toBe(token);
  });

  const badSession = (): Principal => {
    throw new UnauthorizedError('missing or invalid access token');
  };
  const unknownToken = (): Promise<Principal> =>
    Promise.reject(new UnauthorizedError('invalid personal access token'));

  it.each([
    ['no header', undefined, badSession],
    ['a bad session JWT', 'Bearer x.y.z', badSession],
    ['an unknown personal access token', 'Bearer tms_gone', unknownToken],
  ])('should refuse %s with a 401, counted as an anonymous request', async (_name, header, fn) => {
    resolve.mockImplementation(fn);
    const { context, request, reply } = contextFor(header);

    await expect(guard.canActivate(context)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(request.user).toBeUndefined();
    expect(hit).toHaveBeenCalledWith('203.0.113.9', reply);
  });

  it('should pass on a failure that is no 401 without counting it', async () => {
    const outage = new Error('database unavailable');
    resolve.mockRejectedValue(outage);
    const { context } = contextFor('Bearer tms_abc');

    await expect(guard.canActivate(context)).rejects.toBe(outage);
    expect(hit).not.toHaveBeenCalled();
  });
});
