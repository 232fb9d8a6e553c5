import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/env';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { TypeOrmNestLogger } from './typeorm-logger';

/** Longest a single request-path query may run. */
export const QUERY_TIMEOUT_MS = 3000;

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
    logger: new TypeOrmNestLogger(),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // Bounded waits so that a dead or hung MySQL answers 503 quickly instead of hanging: connects
    // give up after 1 s, and a query that runs past QUERY_TIMEOUT_MS is abandoned (mysql2 destroys
    // its connection). Migrations run without the query limit (see database-bootstrap.ts).
    connectTimeout: 1000,
    enableQueryTimeout: true,
    maxQueryExecutionTime: QUERY_TIMEOUT_MS,
    poolSize: 10,
    extra: {
      waitForConnections: true,
      // Above what HTTP admission control (HTTP_MAX_IN_FLIGHT, default 100) and the workers can
      // queue, so overload is shed before it reaches the pool; should the queue fill anyway,
      // mysql2's "Queue limit reached" is answered 503 too (describeError).
      queueLimit: 200,
      maxIdle: 10,
      idleTimeout: 60_000,
      enableKeepAlive: true,
      keepAliveInitialDelay: 10_000,
    },
  };
}
