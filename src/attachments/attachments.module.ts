import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivityModule } from '../activity/activity.module';
import { JobsModule } from '../jobs/jobs.module';
import { ProjectsModule } from '../projects/projects.module';
import { TasksModule } from '../tasks/tasks.module';
import { Attachment } from './attachment.entity';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';
import { AttachmentsController } from './http/attachments.controller';
import { AttachmentPurgeConsumer } from './purge/attachment-purge.consumer';
import { AttachmentPurgeHandler } from './purge/attachment-purge.handler';
import { AttachmentPurgeScheduler } from './purge/attachment-purge.scheduler';
import { attachmentStorageProvider } from './storage/attachment-storage.provider';

/**
 * Files attached to tasks: upload, list, download and delete, the storage they live in
 * (ATTACHMENT_STORAGE: a local directory or an S3-compatible bucket), and the purge of the
 * bytes of deleted tasks (on `task.deleted`, and an hourly sweep).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Attachment]),
    TasksModule,
    ProjectsModule,
    JobsModule,
    ActivityModule,
  ],
  controllers: [AttachmentsController],
  providers: [
    AttachmentsRepository,
    AttachmentsService,
    attachmentStorageProvider,
    AttachmentPurgeHandler,
    AttachmentPurgeConsumer,
    AttachmentPurgeScheduler,
  ],
  exports: [AttachmentsService],
})
export class AttachmentsModule {}
