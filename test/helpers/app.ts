import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp } from '../../src/app.setup';

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  close: () => Promise<void>;
}

/**
 * Boots the real application (same adapter, hooks, pipes, filters and guards as production)
 * against the run's throwaway database and the real Redis. `env` overrides variables for this
 * instance only; they are restored once the app has read them.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let app: NestFastifyApplication;
  try {
    app = await createApp();
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return {
    app,
    http: request(app.getHttpServer()),
    close: () => app.close(),
  };
}
