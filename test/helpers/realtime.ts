import { JwtService } from '@nestjs/jwt';
import { jwtKey, jwtSignOptions } from '../../src/auth/jwt-claims';
import { startTestApp, TestApp } from './app';

/** Starts an app instance listening on a free port (for real WebSocket clients). */
export async function startListeningApp(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await startTestApp(env);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return t;
}

/**
 * An access token for `userId` that expires in `seconds`, signed like the service's own (the
 * e2e JWT_SECRET and the default issuer and audience): for expiry tests that cannot wait 15 min.
 */
export function shortLivedToken(userId: number, seconds: number): string {
  const jwt = new JwtService({
    secret: jwtKey(process.env.JWT_SECRET!),
    signOptions: jwtSignOptions({
      issuer: 'task-service',
      audience: 'task-api',
      expiresInSec: seconds,
    }),
  });
  return jwt.sign({ sub: String(userId) });
}
