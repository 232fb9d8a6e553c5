import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { JobsModule } from '../jobs/jobs.module';
import { TasksModule } from '../tasks/tasks.module';
import { ExportFile, ExportFileChunk } from './export-file.entity';
import { ExportFilesRepository } from './export-files.repository';
import { ExportTasksHandler } from './export-tasks.handler';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';
import { JobStatusService } from './job-status.service';
import { JobsController } from './jobs.controller';

/**
 * Task exports as background jobs (`POST /tasks/export`), the job resource (`GET /jobs/{id}`)
 * and the download of results, stored in MySQL so any instance serves them.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ExportFile, ExportFileChunk]),
    JobsModule,
    TasksModule,
    IdempotencyModule,
  ],
  controllers: [ExportsController, JobsController],
  providers: [ExportFilesRepository, ExportsService, JobStatusService, ExportTasksHandler],
})
export class ExportsModule {}
