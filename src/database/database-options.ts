import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/env';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** One definition of the connection, used by the app and by the TypeORM CLI alike. */
export function buildDataSourceOptions(config: AppConfig): DataSourceOptions {
  const { db } = config;
  return {
    type: 'mysql',
    host: db.host,
    port: db.port,
    username: db.user,
    password: db.password,
    database: db.name,
    charset: 'utf8mb4_unicode_ci',
    // Every timestamp is written and read as UTC; SQL never calls NOW(), the app passes the time.
    timezone: 'Z',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // Bounded waits so that a dead MySQL answers 503 in about a second instead of hanging.
    connectTimeout: 1000,
    poolSize: 10,
    extra: {
      waitForConnections: true,
      queueLimit: 200,
      maxIdle: 10,
      idleTimeout: 60_000,
      enableKeepAlive: true,
      keepAliveInitialDelay: 10_000,
    },
  };
}
