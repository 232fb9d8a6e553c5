import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProjectsModule } from '../projects/projects.module';
import { TasksModule } from '../tasks/tasks.module';
import { UsersModule } from '../users/users.module';
import { ActivityRecorder } from './activity.recorder';
import { ActivityRepository } from './activity.repository';
import { ActivityService } from './activity.service';
import { ActivityController } from './http/activity.controller';
import { TaskActivity } from './task-activity.entity';

/**
 * The activity history of tasks, owner of `task_activity`. Task writes and comments reach it
 * through the tasks module's @TaskEventRecorder seam (the tasks module does not import it);
 * the attachments module calls ActivityService in its own transactions.
 */
@Module({
  imports: [TypeOrmModule.forFeature([TaskActivity]), TasksModule, ProjectsModule, UsersModule],
  controllers: [ActivityController],
  providers: [ActivityRepository, ActivityService, ActivityRecorder],
  exports: [ActivityService],
})
export class ActivityModule {}
