import { Logger } from '@nestjs/common';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import type { MysqlConnectionOptions } from 'typeorm/driver/mysql/MysqlConnectionOptions';

const logger = new Logger('Database');
const MIGRATION_LOCK_TIMEOUT_S = 120;

/** Creates the configured database when it does not exist yet (utf8mb4, case-insensitive). */
export async function ensureDatabaseExists(options: MysqlConnectionOptions): Promise<void> {
  const connection = await createConnection({
    host: options.host,
    port: options.port,
    user: options.username,
    password: options.password,
    connectTimeout: 5000,
  });
  try {
    // DB_NAME is validated as [A-Za-z0-9_$]+ at boot, so quoting it as an identifier is safe.
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${String(options.database)}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }
}

/**
 * Runs pending migrations while holding a MySQL named lock, so that several instances starting
 * at once apply each migration exactly once instead of racing on the same DDL. It uses its own
 * short-lived connection without the request-path query timeout: DDL on a large table may
 * legitimately take minutes.
 */
export async function runMigrationsLocked(options: MysqlConnectionOptions): Promise<void> {
  const dataSource = await new DataSource({
    ...options,
    enableQueryTimeout: false,
    poolSize: 2,
  }).initialize();
  try {
    await migrateUnderLock(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function migrateUnderLock(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  const lockName = `${String(dataSource.options.database)}:migrations`;
  try {
    const rows = (await runner.query('SELECT GET_LOCK(?, ?) AS acquired', [
      lockName,
      MIGRATION_LOCK_TIMEOUT_S,
    ])) as Array<{ acquired: number | string | null }>;
    if (Number(rows[0]?.acquired) !== 1) {
      throw new Error(`Could not take the migration lock within ${MIGRATION_LOCK_TIMEOUT_S}s`);
    }
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) {
      logger.log(`Applied migrations: ${applied.map((m) => m.name).join(', ')}`);
    }
  } finally {
    await runner.query('SELECT RELEASE_LOCK(?)', [lockName]).catch(() => undefined);
    await runner.release();
  }
}
