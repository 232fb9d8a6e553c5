import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks/tasks.module';
import { UsersModule } from '../users/users.module';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/**
 * Reports over the caller's visible tasks (`/reports/completion`, `/reports/workload`): time
 * buckets and response shapes here; the counting over `tasks` in the tasks module.
 */
@Module({
  imports: [TasksModule, UsersModule],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
