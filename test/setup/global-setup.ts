import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_DB_ENV } from './test-env';

/**
 * One throwaway database (and Redis key prefix) per test run. The app creates and migrates it
 * on first boot, exactly as in production; the teardown drops it.
 */
export default function globalSetup(): void {
  const name = `taskdb_e2e_${process.pid}_${Date.now().toString(36)}`;
  process.env[TEST_DB_ENV] = name;
  process.env.DB_NAME = name;
  process.env.REDIS_KEY_PREFIX = `${name}:`;
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL = process.env.E2E_LOG_LEVEL ?? 'silent';
  // Generous limits for functional specs; the rate-limit specs start instances with their own.
  process.env.RATE_LIMIT_PER_MINUTE ??= '1000000';
  process.env.RATE_LIMIT_IP_PER_MINUTE ??= '1000000';
  process.env.RATE_LIMIT_AUTH_PER_MINUTE ??= '1000000';
  process.env.JWT_SECRET = 'e2e-secret-that-is-at-least-32-characters-long';
  // Every app a spec boots opens the attachment directory; keep it out of the working tree.
  process.env.ATTACHMENT_DIR = join(tmpdir(), `${name}-attachments`);
}
