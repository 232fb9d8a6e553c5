import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobsService } from '../../jobs/jobs.service';
import {
  DispatchedTaskEvent,
  TaskEventConsumer,
  TaskEventConsumerInstance,
} from '../../tasks/events/task-event-consumer';
import { AttachmentsRepository } from '../attachments.repository';

/**
 * Queues the purge of a deleted task's attachments (`task.deleted`), when it has any. The job
 * id is the task's, so a redelivered event queues nothing new; a queue failure throws, and the
 * dispatch transaction rolls back so the event is delivered again.
 */
@Injectable()
@TaskEventConsumer()
export class AttachmentPurgeConsumer implements TaskEventConsumerInstance {
  constructor(
    private readonly attachments: AttachmentsRepository,
    private readonly jobs: JobsService,
  ) {}

  async onTaskEvent(event: DispatchedTaskEvent, manager: EntityManager): Promise<void> {
    if (event.type !== 'task.deleted') return;
    if (!(await this.attachments.existsForTask(manager, event.taskId))) return;
    await this.jobs.enqueue(
      'attachments.purge',
      { taskId: event.taskId },
      { jobId: `attachments-purge-task-${event.taskId}` },
    );
  }
}
