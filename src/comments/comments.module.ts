import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationsModule } from '../notifications/notifications.module';
import { ProjectsModule } from '../projects/projects.module';
import { TasksModule } from '../tasks/tasks.module';
import { UsersModule } from '../users/users.module';
import { TaskComment } from './comment.entity';
import { CommentsRepository } from './comments.repository';
import { CommentsService } from './comments.service';
import { CommentsController } from './http/comments.controller';

/**
 * Comments on tasks with `@username` mentions (owner of `comments`). A new comment becomes a
 * `comment.created` task event in its transaction, which the notifications and webhooks
 * consumers turn into `mentioned`/`commented` notifications and deliveries; this module
 * imports neither consumer (an edit's new mentions go through NotificationsService).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([TaskComment]),
    TasksModule,
    ProjectsModule,
    UsersModule,
    NotificationsModule,
  ],
  controllers: [CommentsController],
  providers: [CommentsRepository, CommentsService],
  exports: [CommentsService],
})
export class CommentsModule {}
