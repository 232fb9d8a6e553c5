import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { ActivityService } from '../activity/activity.service';
import { RangeNotSatisfiableError } from '../common/errors/domain-errors';
import { ProjectAccessService } from '../projects/project-access.service';
import { hasRole } from '../projects/project-role';
import { ArchivedProjectError, TaskNotFoundError } from '../tasks/domain/task.errors';
import { permissionOf } from '../tasks/domain/task.rules';
import { TasksService } from '../tasks/tasks.service';
import { Attachment } from './attachment.entity';
import { AttachmentForbiddenError, AttachmentNotFoundError } from './attachment.errors';
import { AttachmentsRepository } from './attachments.repository';
import { ByteRange, parseRange } from './domain/byte-range';
import { sanitizeContentType, sanitizeFilename } from './domain/filename';
import type { OpenIncomingFile } from './domain/incoming-file';
import { AttachmentResponseDto, toAttachmentResponse } from './dto/attachment-response.dto';
import {
  ATTACHMENT_STORAGE,
  AttachmentStorage,
  StoredObjectMissingError,
} from './storage/attachment-storage';

/** The conditional and range headers of a download request. */
export interface DownloadConditions {
  range?: string;
  ifRange?: string;
  ifNoneMatch?: string;
}

/** A download's answer: 200 (whole), 206 (`range`) or 304 (not modified, no body). */
export interface AttachmentDownload {
  status: 200 | 206 | 304;
  attachment: AttachmentResponseDto;
  etag: string;
  range?: ByteRange;
  body?: Readable;
}

/** `If-None-Match` holds `etag` (or `*`); weak comparison, as RFC 9110 asks for it. */
function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/**
 * Files attached to tasks (API.md "Attachments"). Who may do what follows the task: anyone who
 * sees it lists and downloads; editors of its project and its assignee upload; the uploader or
 * an admin of the project deletes; an archived project takes no uploads or deletes (409).
 * Uploads stream into the storage; the row is written once the bytes are stored, in a
 * transaction that checks the caller's rights again with the task and project locked.
 */
@Injectable()
export class AttachmentsService {
  private readonly logger = new Logger(AttachmentsService.name);

  constructor(
    private readonly repository: AttachmentsRepository,
    private readonly tasks: TasksService,
    private readonly projects: ProjectAccessService,
    private readonly activity: ActivityService,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
  ) {}

  async upload(
    userId: number,
    taskId: number,
    openFile: OpenIncomingFile,
  ): Promise<AttachmentResponseDto> {
    // Refuse before reading a byte of the body: 404, 403, 409.
    await this.repository.inTransaction((manager) =>
      this.lockTaskForUpload(manager, userId, taskId),
    );
    const file = await openFile();
    const stored = await this.storage.put(file.stream);
    let row: Attachment;
    try {
      row = await this.repository.inTransaction(async (manager) => {
        // Again, locked: the task may have been deleted, the project archived or the caller
        // removed while the bytes arrived. A purge of the task's attachments runs after its
        // deletion commits, so it sees this row if this commits first.
        const { projectId } = await this.lockTaskForUpload(manager, userId, taskId);
        const inserted = await this.repository.insert(manager, {
          taskId,
          filename: sanitizeFilename(file.filename),
          contentType: sanitizeContentType(file.contentType),
          size: stored.size,
          sha256: stored.sha256,
          storageKey: stored.key,
          uploadedBy: userId,
          createdAt: new Date(),
        });
        // In the row's transaction: the history tells of every attachment that exists, once.
        await this.activity.recordAttachment(manager, {
          type: 'attachment_added',
          taskId,
          projectId,
          actorId: userId,
          filename: inserted.filename,
          at: inserted.createdAt,
        });
        return inserted;
      });
    } catch (error) {
      await this.deleteBytes(stored.key);
      throw error;
    }
    this.logger.log({ userId, taskId, attachmentId: row.id, size: row.size }, 'Attachment added');
    return toAttachmentResponse(row);
  }

  async list(userId: number, taskId: number): Promise<AttachmentResponseDto[]> {
    await this.tasks.assertVisible(userId, taskId);
    const rows = await this.repository.listByTask(taskId);
    return rows.map(toAttachmentResponse);
  }

  async download(
    userId: number,
    attachmentId: number,
    conditions: DownloadConditions,
  ): Promise<AttachmentDownload> {
    const row = await this.visibleAttachment(userId, attachmentId);
    const attachment = toAttachmentResponse(row);
    const etag = `"${row.sha256}"`;
    if (noneMatchHits(conditions.ifNoneMatch, etag)) return { status: 304, attachment, etag };
    // If-Range with another validator: the file changed since the client's part, send it all.
    const requested =
      conditions.ifRange !== undefined && conditions.ifRange.trim() !== etag
        ? undefined
        : conditions.range;
    const range = parseRange(requested, row.size);
    if (range.kind === 'unsatisfiable') throw new RangeNotSatisfiableError(row.size);
    const partial = range.kind === 'partial' ? range.range : undefined;
    try {
      const body = await this.storage.get(row.storageKey, partial);
      return { status: partial ? 206 : 200, attachment, etag, range: partial, body };
    } catch (error) {
      // Only when the bytes went and the row stayed (a delete whose commit failed after it
      // removed them): the attachment is gone for every purpose.
      if (error instanceof StoredObjectMissingError) {
        this.logger.warn({ attachmentId }, 'Attachment bytes missing from storage');
        throw new AttachmentNotFoundError();
      }
      throw error;
    }
  }

  /** Removes the attachment and its bytes: its uploader, or an admin of the task's project. */
  async remove(userId: number, attachmentId: number): Promise<void> {
    const found = await this.repository.findById(attachmentId);
    if (!found) throw new AttachmentNotFoundError();
    await this.repository.inTransaction(async (manager) => {
      // Task, project, then attachment: the order of an upload's locks.
      const access = await this.lockTask(manager, userId, found.taskId).catch((error) => {
        throw error instanceof TaskNotFoundError ? new AttachmentNotFoundError() : error;
      });
      const row = await this.repository.lockById(manager, attachmentId);
      if (!row) throw new AttachmentNotFoundError();
      if (row.uploadedBy !== userId && !hasRole(access.role, 'admin')) {
        throw new AttachmentForbiddenError(
          'only the uploader or an admin of the project may delete an attachment',
        );
      }
      if (access.archived) throw new ArchivedProjectError();
      await this.repository.deleteById(row.id, manager);
      await this.activity.recordAttachment(manager, {
        type: 'attachment_removed',
        taskId: row.taskId,
        projectId: access.projectId,
        actorId: userId,
        filename: row.filename,
        at: new Date(),
      });
      // Inside the transaction: should the storage refuse, the row stays and the client may
      // retry; bytes are never left without a row to find them by.
      await this.storage.delete(row.storageKey);
    });
    this.logger.log({ userId, attachmentId }, 'Attachment deleted');
  }

  /**
   * Purges the attachments of `taskId` if it is no live task: bytes first, then the row, so a
   * purge cut short leaves rows whose bytes the next run deletes (an absent object is no
   * error). Returns how many it removed.
   */
  async purgeTask(taskId: number): Promise<number> {
    const [deleted] = await this.tasks.deletedAmong([taskId]);
    if (deleted === undefined) return 0;
    const rows = await this.repository.listByTask(taskId);
    for (const row of rows) {
      await this.storage.delete(row.storageKey);
      await this.repository.deleteById(row.id);
    }
    return rows.length;
  }

  /**
   * Purges the attachments of every deleted task, walking the task ids that have attachments
   * in batches (a project's deletion soft-deletes its tasks without an event per task).
   */
  async purgeDeletedTasks(batchSize = 500): Promise<number> {
    let purged = 0;
    let after = 0;
    for (;;) {
      const taskIds = await this.repository.taskIdsAfter(after, batchSize);
      if (taskIds.length === 0) return purged;
      for (const taskId of await this.tasks.deletedAmong(taskIds)) {
        purged += await this.purgeTask(taskId);
      }
      after = taskIds[taskIds.length - 1];
    }
  }

  /** Whether the attachment's task is visible to the caller; 404 for both otherwise. */
  private async visibleAttachment(userId: number, attachmentId: number): Promise<Attachment> {
    const row = await this.repository.findById(attachmentId);
    if (!row) throw new AttachmentNotFoundError();
    await this.tasks.assertVisible(userId, row.taskId).catch((error) => {
      throw error instanceof TaskNotFoundError ? new AttachmentNotFoundError() : error;
    });
    return row;
  }

  /** 404 unless the caller sees the task, 403 unless it edits or is assigned, 409 archived. */
  private async lockTaskForUpload(
    manager: EntityManager,
    userId: number,
    taskId: number,
  ): Promise<{ projectId: number }> {
    const access = await this.lockTask(manager, userId, taskId);
    if (access.permission === 'read') {
      throw new AttachmentForbiddenError(
        'only editors of the project and the assignee may upload attachments',
      );
    }
    if (access.archived) throw new ArchivedProjectError();
    return { projectId: access.projectId };
  }

  /**
   * Locks the live task and (shared) its project, like a task write, and tells what the caller
   * may do with it (the tasks' own rule); 404 when it cannot see it.
   */
  private async lockTask(manager: EntityManager, userId: number, taskId: number) {
    const task = await this.tasks.lockLive(manager, taskId);
    if (!task) throw new TaskNotFoundError();
    const project = await this.projects.lockForTaskWrite(manager, task.project_id, userId);
    const permission =
      project && permissionOf(project.role, { assigneeId: task.assignee_id }, userId);
    if (!project || !permission) throw new TaskNotFoundError();
    return {
      permission,
      role: project.role,
      archived: project.archived,
      projectId: task.project_id,
    };
  }

  private async deleteBytes(key: string): Promise<void> {
    try {
      await this.storage.delete(key);
    } catch (error) {
      this.logger.error({ key, err: error }, 'Could not delete the bytes of a refused upload');
    }
  }
}
