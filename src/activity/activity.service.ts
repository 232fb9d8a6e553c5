import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PageInfo } from '../common/http/pagination';
import { DEFAULT_PAGE_SIZE, PageQuery } from '../common/http/page.query';
import { ProjectAccessService } from '../projects/project-access.service';
import { ProjectNotFoundError } from '../projects/project.errors';
import { TasksService } from '../tasks/tasks.service';
import { UsersService } from '../users/users.service';
import { ActivityRepository } from './activity.repository';
import type { ActivityChange, NewActivityEntry } from './domain/activity-entry';
import { ActivityEntryResponseDto } from './dto/activity-entry-response.dto';
import type { TaskActivity } from './task-activity.entity';

export interface ActivityPage extends PageInfo {
  items: ActivityEntryResponseDto[];
}

/** An attachment added to or removed from a task, as the attachments module tells it. */
export interface AttachmentActivity {
  type: 'attachment_added' | 'attachment_removed';
  taskId: number;
  /** The task's project (locked by the caller's transaction). */
  projectId: number;
  actorId: number;
  filename: string;
  at: Date;
}

/**
 * The activity history of tasks (API.md "Activity"): entries are written in the transaction of
 * the change they tell (task writes through ActivityRecorder, attachments through
 * `recordAttachment`), and read as a task's feed (anyone who sees the task) or a project's feed
 * (members only).
 */
@Injectable()
export class ActivityService {
  constructor(
    private readonly repository: ActivityRepository,
    private readonly tasks: TasksService,
    private readonly projects: ProjectAccessService,
    private readonly users: UsersService,
  ) {}

  /** Writes one entry with the caller's transaction manager. */
  record(manager: EntityManager, entry: NewActivityEntry): Promise<void> {
    return this.repository.insert(manager, entry);
  }

  /** Writes the entry of an attachment's upload or removal, in that write's transaction. */
  recordAttachment(manager: EntityManager, activity: AttachmentActivity): Promise<void> {
    const added = activity.type === 'attachment_added';
    return this.record(manager, {
      taskId: activity.taskId,
      projectId: activity.projectId,
      actorId: activity.actorId,
      type: activity.type,
      changes: [
        {
          field: 'attachment',
          from: added ? null : activity.filename,
          to: added ? activity.filename : null,
        },
      ],
      createdAt: activity.at,
    });
  }

  /** A deleted task's entries leave its projects' feeds (its own feed answers 404 anyway). */
  taskDeleted(manager: EntityManager, taskId: number): Promise<void> {
    return this.repository.hideTask(manager, taskId);
  }

  /** A task's history, oldest first: 404 unless the caller sees the task. */
  async listForTask(userId: number, taskId: number, query: PageQuery): Promise<ActivityPage> {
    await this.tasks.assertVisible(userId, taskId);
    const page = pageOf(query);
    const [rows, total] = await this.repository.taskFeed(taskId, page.range);
    return { items: await this.responses(rows), page: page.page, pageSize: page.pageSize, total };
  }

  /**
   * The history of a project's live tasks, newest first: 404 unless the caller is a member (an
   * assignee outside the project sees its task's feed, not the project's).
   */
  async listForProject(userId: number, projectId: number, query: PageQuery): Promise<ActivityPage> {
    const access = await this.projects.cachedAccess(projectId, userId);
    if (!access.live || !access.role) throw new ProjectNotFoundError();
    const page = pageOf(query);
    const [rows, total] = await this.repository.projectFeed(projectId, page.range);
    return { items: await this.responses(rows), page: page.page, pageSize: page.pageSize, total };
  }

  /** The rows as clients see them, the actors' usernames read in one batch. */
  private async responses(rows: TaskActivity[]): Promise<ActivityEntryResponseDto[]> {
    const usernames = await this.users.usernamesByIds(rows.map((row) => row.actorId));
    return rows.map((row) => ({
      id: Number(row.id),
      task_id: row.taskId,
      type: row.type as ActivityEntryResponseDto['type'],
      actor: { id: row.actorId, username: usernames.get(row.actorId) ?? '' },
      changes: JSON.parse(row.changes) as ActivityChange[],
      created_at: row.createdAt.toISOString(),
    }));
  }
}

function pageOf(query: PageQuery) {
  const page = query.page ?? 1;
  const pageSize = query.page_size ?? DEFAULT_PAGE_SIZE;
  return { page, pageSize, range: { offset: (page - 1) * pageSize, limit: pageSize } };
}
