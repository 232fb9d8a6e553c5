import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CacheModule } from '../cache/cache.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { LabelsModule } from '../labels/labels.module';
import { ProjectsModule } from '../projects/projects.module';
import { UsersModule } from '../users/users.module';
import { TaskEventsModule } from './events/task-events.module';
import { taskCacheProvider } from './cache/task-cache';
import { TaskCountsService } from './read-models/task-counts.service';
import { TaskCacheWarmup } from './cache/task-cache.warmup';
import { TaskSearchService } from './read-models/task-search.service';
import { TaskSearchCounts } from './read-models/task-search-counts';
import { TaskExportReader } from './listing/task-export.reader';
import { TaskProjectDeletion } from './task-project-deletion';
import { Task } from './domain/task.entity';
import { TaskLabel } from './domain/task-label.entity';
import { TaskLabelDeletion } from './labels/task-label-deletion';
import { TaskLabelsRepository } from './labels/task-labels.repository';
import { TaskLabelsService } from './labels/task-labels.service';
import { TasksController } from './http/tasks.controller';
import { TasksRepository } from './persistence/tasks.repository';
import { TasksService } from './tasks.service';
import { TaskReportsRepository } from './reports/task-reports.repository';
import { TaskReportsService } from './reports/task-reports.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Task, TaskLabel]),
    UsersModule,
    ProjectsModule,
    LabelsModule,
    IdempotencyModule,
    CacheModule,
    TaskEventsModule,
  ],
  controllers: [TasksController],
  providers: [
    TasksRepository,
    TasksService,
    TaskCountsService,
    TaskSearchService,
    TaskSearchCounts,
    taskCacheProvider,
    TaskCacheWarmup,
    TaskExportReader,
    TaskProjectDeletion,
    TaskLabelsRepository,
    TaskLabelsService,
    TaskLabelDeletion,
    TaskReportsRepository,
    TaskReportsService,
  ],
  exports: [TasksService, TaskExportReader, TaskEventsModule, TaskReportsService],
})
export class TasksModule {}
