import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ProjectDeletionParticipant,
  ProjectDeletionParticipantInstance,
} from '../projects/project-deletion';
import { TaskCountsService } from './read-models/task-counts.service';
import { TaskSearchService } from './read-models/task-search.service';
import { TasksRepository } from './persistence/tasks.repository';
import { TaskLabelsService } from './labels/task-labels.service';

/**
 * A deleted project takes its tasks with it, in the deletion's transaction: they are
 * soft-deleted (404 everywhere after, their assignees included), and their counters, search
 * rows and labels (task_labels) go. No per-task events are recorded: the project's deletion is
 * the one change, and cached copies of its tasks are refused through the project's access
 * tombstone (the realtime module tells connected users `task.hidden` on its own, see
 * RealtimeProjectDeletionFeed).
 */
@Injectable()
@ProjectDeletionParticipant()
export class TaskProjectDeletion implements ProjectDeletionParticipantInstance {
  private readonly logger = new Logger(TaskProjectDeletion.name);

  constructor(
    private readonly tasks: TasksRepository,
    private readonly counts: TaskCountsService,
    private readonly search: TaskSearchService,
    private readonly labels: TaskLabelsService,
  ) {}

  async onProjectDeleted(manager: EntityManager, projectId: number, now: Date): Promise<void> {
    const deleted = await this.tasks.softDeleteProjectTasks(manager, projectId, now);
    await this.labels.removeProject(manager, projectId);
    await this.search.removeProject(manager, projectId);
    await this.counts.removeProject(manager, projectId);
    this.logger.log({ projectId, deleted }, 'Tasks of a deleted project soft-deleted');
  }
}
