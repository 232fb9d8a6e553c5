import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DEFAULT_PAGE_SIZE } from '../common/http/page.query';
import type { PageInfo } from '../common/http/pagination';
import { NotificationsService } from '../notifications/notifications.service';
import { ProjectAccessService } from '../projects/project-access.service';
import { hasRole } from '../projects/project-role';
import { ArchivedProjectError, TaskNotFoundError } from '../tasks/domain/task.errors';
import { permissionOf } from '../tasks/domain/task.rules';
import type { TaskResponseDto } from '../tasks/dto/task-response.dto';
import { TaskEventsService } from '../tasks/events/task-events.service';
import { TasksService } from '../tasks/tasks.service';
import { UsersService } from '../users/users.service';
import { TaskComment } from './comment.entity';
import { CommentForbiddenError, CommentNotFoundError } from './comment.errors';
import { CommentsRepository } from './comments.repository';
import { mentionedUsernames, resolveMentions } from './domain/mentions';
import { CommentBodyDto } from './dto/comment-body.dto';
import { CommentResponseDto, toCommentResponse } from './dto/comment-response.dto';
import { ListCommentsQuery } from './dto/list-comments.query';

export interface CommentPage extends PageInfo {
  items: CommentResponseDto[];
}

/** A body's mentions looked up before the transaction: names, and the users found by them. */
interface MentionCandidates {
  names: string[];
  users: Array<{ id: number; username: string }>;
}

/**
 * Comments on tasks (API.md "Comments"). Anyone who sees a task reads and writes its comments;
 * only the author edits one; the author or an admin of the task's project deletes it. An
 * archived project's comments stay readable, but writing, editing or deleting one answers 409,
 * as for its tasks. Every write locks the task row and (shared) its project, like a task write,
 * so the rights checked are those at the commit, and a comment event's task snapshot is ordered
 * with the task's own events.
 *
 * Mentions (`@username`) are resolved when the body is written, against the users who can see
 * the task (members of its project and its assignee); nobody else is listed or told. A new
 * comment records a `comment.created` event in its transaction (the outbox): the notifications
 * consumer then tells the mentioned users (`mentioned`) and the task's creator and assignee
 * (`commented`), and the webhooks consumer delivers it, each exactly once. An edit tells, in its
 * own transaction, only the users it mentions for the first time (`mentioned_ever`).
 */
@Injectable()
export class CommentsService {
  private readonly logger = new Logger(CommentsService.name);

  constructor(
    private readonly comments: CommentsRepository,
    private readonly tasks: TasksService,
    private readonly projects: ProjectAccessService,
    private readonly users: UsersService,
    private readonly events: TaskEventsService,
    private readonly notifications: NotificationsService,
  ) {}

  async list(userId: number, taskId: number, query: ListCommentsQuery): Promise<CommentPage> {
    await this.tasks.assertVisible(userId, taskId);
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? DEFAULT_PAGE_SIZE;
    const { items, total } = await this.comments.pageOfTask(
      taskId,
      (page - 1) * pageSize,
      pageSize,
    );
    const names = await this.users.usernamesByIds(items.map((row) => row.authorId));
    return {
      items: items.map((row) => toCommentResponse(row, names.get(row.authorId) ?? '')),
      page,
      pageSize,
      total,
    };
  }

  /**
   * The number of comments of each of `taskIds` (0 when none), in one query. No access check:
   * for callers that hold tasks the user was already shown (a page of the listing).
   */
  async countsOfVisibleTasks(taskIds: readonly number[]): Promise<Map<number, number>> {
    const counts = await this.comments.countByTaskIds([...new Set(taskIds)]);
    return new Map(taskIds.map((id) => [id, counts.get(id) ?? 0]));
  }

  async get(userId: number, taskId: number, commentId: number): Promise<CommentResponseDto> {
    await this.tasks.assertVisible(userId, taskId);
    const row = await this.comments.findOfTask(taskId, commentId);
    if (!row) throw new CommentNotFoundError();
    return toCommentResponse(row, await this.usernameOf(row.authorId));
  }

  async create(userId: number, taskId: number, dto: CommentBodyDto): Promise<CommentResponseDto> {
    // Looked up before the transaction, so that it holds no second pooled connection while it
    // holds the task's lock; who of them may be told is decided inside it.
    const [authorName, candidates] = await Promise.all([
      this.usernameOf(userId),
      this.candidatesOf(dto.body),
    ]);
    const comment = await this.comments.inTransaction(async (manager) => {
      const { task, archived } = await this.lockTask(manager, userId, taskId);
      if (archived) throw new ArchivedProjectError();
      const mentions = await this.visibleMentions(manager, task, candidates);
      const now = new Date();
      const row = await this.comments.insert(manager, {
        taskId,
        authorId: userId,
        body: dto.body,
        mentions,
        mentionedEver: mentions,
        createdAt: now,
        editedAt: null,
      });
      const created = toCommentResponse(row, authorName);
      // The task did not change: before and after are the task as it is at this comment.
      await this.events.record(manager, [
        {
          type: 'comment.created',
          taskId,
          actorId: userId,
          occurredAt: now,
          before: task,
          after: task,
          comment: created,
        },
      ]);
      return created;
    });
    this.logger.log(
      { userId, taskId, commentId: comment.id, mentions: comment.mentions.length },
      'Comment added',
    );
    return comment;
  }

  /** Its author only (403 for others who see it); mentions are resolved again. */
  async update(
    userId: number,
    taskId: number,
    commentId: number,
    dto: CommentBodyDto,
  ): Promise<CommentResponseDto> {
    const [authorName, candidates] = await Promise.all([
      this.usernameOf(userId),
      this.candidatesOf(dto.body),
    ]);
    return this.comments.inTransaction(async (manager) => {
      const { task, archived } = await this.lockTask(manager, userId, taskId);
      const row = await this.comments.lockOfTask(manager, taskId, commentId);
      if (!row) throw new CommentNotFoundError();
      if (row.authorId !== userId) {
        throw new CommentForbiddenError('only its author may edit a comment');
      }
      if (archived) throw new ArchivedProjectError();
      const mentions = await this.visibleMentions(manager, task, candidates);
      // Users mentioned before were told then (or chose not to see it): only newcomers are.
      const newcomers = mentions.filter((id) => !row.mentionedEver.includes(id));
      const editedAt = new Date();
      const updated: TaskComment = {
        ...row,
        body: dto.body,
        mentions,
        mentionedEver: [...row.mentionedEver, ...newcomers],
        editedAt,
      };
      await this.comments.update(manager, row.id, {
        body: updated.body,
        mentions: updated.mentions,
        mentionedEver: updated.mentionedEver,
        editedAt: updated.editedAt,
      });
      await this.notifications.notifyMentioned(manager, {
        userIds: newcomers.filter((id) => id !== userId),
        task,
        authorName,
        at: editedAt,
      });
      return toCommentResponse(updated, authorName);
    });
  }

  /** Its author, or an admin (or the owner) of the task's project. */
  async remove(userId: number, taskId: number, commentId: number): Promise<void> {
    await this.comments.inTransaction(async (manager) => {
      const { role, archived } = await this.lockTask(manager, userId, taskId);
      const row = await this.comments.lockOfTask(manager, taskId, commentId);
      if (!row) throw new CommentNotFoundError();
      if (row.authorId !== userId && !hasRole(role, 'admin')) {
        throw new CommentForbiddenError(
          'only its author or an admin of the project may delete a comment',
        );
      }
      if (archived) throw new ArchivedProjectError();
      await this.comments.deleteById(manager, row.id);
    });
    this.logger.log({ userId, taskId, commentId }, 'Comment deleted');
  }

  /**
   * Locks the live task and (shared) its project, like a task write; 404 unless the caller
   * sees the task (a member of its project, or its assignee).
   */
  private async lockTask(manager: EntityManager, userId: number, taskId: number) {
    const task = await this.tasks.lockLive(manager, taskId);
    if (!task) throw new TaskNotFoundError();
    const project = await this.projects.lockForTaskWrite(manager, task.project_id, userId);
    const permission =
      project && permissionOf(project.role, { assigneeId: task.assignee_id }, userId);
    if (!project || !permission) throw new TaskNotFoundError();
    return { task, role: project.role, archived: project.archived };
  }

  private async candidatesOf(body: string): Promise<MentionCandidates> {
    const names = mentionedUsernames(body);
    return { names, users: await this.users.findByUsernames(names) };
  }

  /** The mentioned users who can see the task: members of its project, or its assignee. */
  private async visibleMentions(
    manager: EntityManager,
    task: TaskResponseDto,
    candidates: MentionCandidates,
  ): Promise<number[]> {
    if (candidates.users.length === 0) return [];
    const members = new Set(await this.projects.memberIds(task.project_id, manager));
    return resolveMentions(
      candidates.names,
      candidates.users,
      (id) => members.has(id) || id === task.assignee_id,
    );
  }

  private async usernameOf(userId: number): Promise<string> {
    return (await this.users.usernamesByIds([userId])).get(userId) ?? '';
  }
}
