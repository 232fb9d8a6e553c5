import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { JobsService } from '../jobs/jobs.service';
import { ProjectAccessService } from '../projects/project-access.service';
import {
  DispatchedTaskEvent,
  TaskEventConsumer,
  TaskEventConsumerInstance,
} from '../tasks/events/task-event-consumer';
import { isWebhookEvent } from './webhook-events';
import { NewDelivery, WebhooksRepository } from './webhooks.repository';

/**
 * Turns a task event into one delivery per subscribed, active webhook of a user who can see the
 * task when the event is dispatched (a member of its project, or its assignee; for a deletion,
 * the assignee as it was before it), and queues them.
 * Idempotent: deliveries are unique per (webhook, event) and their stored ids make the job ids,
 * so a repeated dispatch re-adds the same jobs, which BullMQ ignores.
 */
@Injectable()
@TaskEventConsumer()
export class WebhookEventConsumer implements TaskEventConsumerInstance {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly jobs: JobsService,
    private readonly projects: ProjectAccessService,
  ) {}

  async onTaskEvent(event: DispatchedTaskEvent, manager: EntityManager): Promise<void> {
    const type: string = event.type;
    if (!isWebhookEvent(type)) return;
    const task = type === 'task.deleted' ? event.before : (event.after ?? event.before);
    if (!task) return;
    // From the shared access cache (coherent: rewritten after every committed member change),
    // as the real-time fan-out decides who sees the event: a MySQL query less per dispatch.
    const members = (await this.projects.cachedMemberIds(task.project_id)) ?? [];
    const viewers = [...new Set([...members, task.assignee_id])].filter(
      (id): id is number => id !== null,
    );
    const subscribed = await this.webhooks.subscribedOfUsers(manager, viewers, type);
    if (subscribed.length === 0) return;
    const createdAt = new Date();
    const deliveries = subscribed.map((webhookId): NewDelivery => {
      const id = randomUUID();
      return {
        id,
        webhookId,
        eventId: String(event.id),
        taskId: event.taskId,
        eventType: type,
        createdAt,
        // Built once and stored: every attempt sends (and signs) exactly these bytes.
        body: JSON.stringify({
          id,
          event: type,
          created_at: createdAt.toISOString(),
          // A comment event says which comment (API.md: `{"task": Task, "comment": Comment}`).
          data: event.comment === undefined ? { task } : { task, comment: event.comment },
        }),
      };
    });
    const pending = await this.webhooks.insertDeliveries(manager, event.id, deliveries);
    // Enqueued before the dispatch commits; a job that runs first finds no row yet and waits.
    await this.jobs.enqueueMany(
      'webhooks.deliver',
      pending.map(({ id, webhookId }) => ({
        payload: { deliveryId: id, webhookId },
        jobId: `delivery-${id}`,
      })),
    );
  }
}
