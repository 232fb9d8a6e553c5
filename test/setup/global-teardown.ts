import Redis from 'ioredis';
import { rm } from 'node:fs/promises';
import { createConnection } from 'mysql2/promise';
import { baseConnection, TEST_DB_ENV } from './test-env';

/** Drops the run's database and deletes its Redis keys. */
export default async function globalTeardown(): Promise<void> {
  const name = process.env[TEST_DB_ENV];
  if (!name) return;
  if (process.env.ATTACHMENT_DIR)
    await rm(process.env.ATTACHMENT_DIR, { recursive: true, force: true });
  const connection = await createConnection(baseConnection());
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
  const redis = new Redis({
    host: process.env.REDIS_HOST ?? '127.0.0.1',
    port: Number(process.env.REDIS_PORT ?? 6379),
  });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${name}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
