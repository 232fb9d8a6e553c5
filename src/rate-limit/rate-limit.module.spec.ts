import type { ExecutionContext } from '@nestjs/common';
import { loadConfig } from '../config/env';
import { AUTH_RATE_LIMIT_KEY } from '../common/decorators/rate-limit.decorator';
import { buildThrottlers } from './rate-limit.module';

function contextFor(handler: () => void, user?: { id: number }): ExecutionContext {
  const request = { user, ip: '10.0.0.7' };
  return {
    getHandler: () => handler,
    getClass: () => Object,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe(buildThrottlers.name, () => {
  const throttlers = buildThrottlers(
    loadConfig({
      RATE_LIMIT_PER_MINUTE: '7',
      RATE_LIMIT_IP_PER_MINUTE: '8',
      RATE_LIMIT_AUTH_PER_MINUTE: '9',
    }),
  );
  const applying = (context: ExecutionContext): string[] =>
    throttlers.filter((t) => !t.skipIf?.(context)).map((t) => `${t.name}:${t.limit as number}`);

  const login = (): void => undefined;
  Reflect.defineMetadata(AUTH_RATE_LIMIT_KEY, true, login);
  const plain = (): void => undefined;

  it('should apply only the auth limit to auth routes, signed in or not', () => {
    expect(applying(contextFor(login))).toEqual(['auth:9']);
    expect(applying(contextFor(login, { id: 3 }))).toEqual(['auth:9']);
  });

  it('should apply the per-user limit to signed-in callers and the per-IP one to anonymous ones', () => {
    expect(applying(contextFor(plain, { id: 3 }))).toEqual(['user:7']);
    expect(applying(contextFor(plain))).toEqual(['ip:8']);
  });

  it('should track users by id and anonymous callers by IP', () => {
    const [auth, user, ip] = throttlers;
    const req = { user: { id: 3 }, ip: '10.0.0.7' };
    expect(user.getTracker?.(req, contextFor(plain))).toBe('user:3');
    expect(ip.getTracker?.(req, contextFor(plain))).toBe('ip:10.0.0.7');
    expect(auth.getTracker?.(req, contextFor(login))).toBe('ip:10.0.0.7');
  });
});
