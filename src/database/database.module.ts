import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MysqlConnectionOptions } from 'typeorm/driver/mysql/MysqlConnectionOptions';
import { appConfig, AppConfigType } from '../config/app-config';
import { AfterCommitSubscriber } from '../common/database/after-commit';
import { buildDataSourceOptions } from './database-options';
import { ensureDatabaseExists, runMigrationsLocked } from './database-bootstrap';

/** The MySQL connection: creates the database if missing and migrates it before anything runs. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfigType) => ({
        ...buildDataSourceOptions(config),
        // A dead MySQL at boot is retried a few times, then the start fails loudly.
        retryAttempts: 5,
        retryDelay: 2000,
      }),
      dataSourceFactory: async (options) => {
        if (!options) throw new Error('TypeORM options are missing');
        const mysqlOptions = options as MysqlConnectionOptions;
        await ensureDatabaseExists(mysqlOptions);
        await runMigrationsLocked(mysqlOptions);
        const dataSource = await new DataSource(options).initialize();
        // Runs the callbacks of afterCommit() (announcements that must follow a commit).
        dataSource.subscribers.push(new AfterCommitSubscriber());
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
