import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { DeliveryStatus, Webhook, WebhookDelivery } from './webhook.entity';

export type NewWebhook = Pick<Webhook, 'userId' | 'url' | 'events' | 'secret'>;
export type NewDelivery = Pick<
  WebhookDelivery,
  'id' | 'webhookId' | 'eventId' | 'taskId' | 'eventType' | 'body' | 'createdAt'
>;

export interface AttemptOutcome {
  responseStatus: number | null;
  error: string | null;
}

/** Webhooks and their deliveries; every query on webhooks takes the owner. */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  countOwned(userId: number): Promise<number> {
    return this.dataSource.getRepository(Webhook).count({ where: { userId } });
  }

  async create(webhook: NewWebhook): Promise<Webhook> {
    const now = new Date();
    const row: Omit<Webhook, 'id'> = {
      ...webhook,
      active: true,
      consecutiveFailures: 0,
      disabledReason: null,
      createdAt: now,
      updatedAt: now,
    };
    const result = await this.dataSource.getRepository(Webhook).insert(row);
    return { ...row, id: Number(result.identifiers[0].id) };
  }

  listOwned(userId: number): Promise<Webhook[]> {
    return this.dataSource.getRepository(Webhook).find({ where: { userId }, order: { id: 'ASC' } });
  }

  findOwned(userId: number, id: number): Promise<Webhook | null> {
    return this.dataSource.getRepository(Webhook).findOne({ where: { userId, id } });
  }

  /** Deletes the webhook and (by cascade) its deliveries; false when the caller has no such webhook. */
  async deleteOwned(userId: number, id: number): Promise<boolean> {
    const result = await this.dataSource.getRepository(Webhook).delete({ userId, id });
    return (result.affected ?? 0) > 0;
  }

  /** Turns a webhook on (clearing its failure run) or off by its owner; null when not theirs. */
  async setActiveOwned(userId: number, id: number, active: boolean): Promise<Webhook | null> {
    await this.dataSource
      .getRepository(Webhook)
      .update(
        { userId, id },
        active
          ? { active, consecutiveFailures: 0, disabledReason: null, updatedAt: new Date() }
          : { active, disabledReason: 'disabled by its owner', updatedAt: new Date() },
      );
    return this.findOwned(userId, id);
  }

  /** The newest deliveries of a webhook first. */
  recentDeliveries(webhookId: number, limit: number): Promise<WebhookDelivery[]> {
    return this.dataSource.getRepository(WebhookDelivery).find({
      where: { webhookId },
      order: { createdAt: 'DESC', eventId: 'DESC' },
      take: limit,
    });
  }

  /**
   * Ids of the active webhooks of any of these users that subscribe to `eventType`. Plain SQL,
   * ids only: it runs in every event's dispatch, where loading whole entities through TypeORM's
   * find cost more CPU than the query (idx_webhooks_user).
   */
  async subscribedOfUsers(
    manager: EntityManager,
    userIds: readonly number[],
    eventType: string,
  ): Promise<number[]> {
    if (userIds.length === 0) return [];
    const rows = await manager.query<Array<{ id: number }>>(
      'SELECT id FROM webhooks WHERE user_id IN (?) AND active = 1 AND FIND_IN_SET(?, events) > 0 ORDER BY id',
      [userIds, eventType],
    );
    return rows.map((row) => Number(row.id));
  }

  /**
   * Inserts the deliveries of one event, ignoring those that exist (unique webhook + event), and
   * answers every delivery of that event for these webhooks that is still pending:
   * the stored ids, so a repeat enqueues the same job ids.
   */
  async insertDeliveries(
    manager: EntityManager,
    eventId: number,
    deliveries: NewDelivery[],
  ): Promise<Array<Pick<WebhookDelivery, 'id' | 'webhookId'>>> {
    if (deliveries.length === 0) return [];
    await manager
      .createQueryBuilder()
      .insert()
      .into(WebhookDelivery)
      .values(deliveries.map((d) => ({ ...d, status: 'pending' as const, attempts: 0 })))
      .orIgnore()
      .execute();
    const rows = await manager.getRepository(WebhookDelivery).find({
      select: { id: true, webhookId: true },
      where: {
        eventId: String(eventId),
        webhookId: In(deliveries.map((d) => d.webhookId)),
        status: 'pending',
      },
    });
    return rows.map((row) => ({ id: row.id, webhookId: row.webhookId }));
  }

  async webhookExists(id: number): Promise<boolean> {
    return (await this.dataSource.getRepository(Webhook).count({ where: { id } })) > 0;
  }

  async findDelivery(id: string): Promise<{ delivery: WebhookDelivery; webhook: Webhook } | null> {
    const delivery = await this.dataSource
      .getRepository(WebhookDelivery)
      .findOne({ where: { id } });
    if (!delivery) return null;
    const webhook = await this.dataSource
      .getRepository(Webhook)
      .findOne({ where: { id: delivery.webhookId } });
    return webhook ? { delivery, webhook } : null;
  }

  /** Whether an earlier delivery of the same task to the same webhook is still under way. */
  async earlierUnderway(delivery: WebhookDelivery): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM webhook_deliveries
        WHERE webhook_id = ? AND task_id = ? AND event_id < ? AND status IN ('pending', 'retrying')
        LIMIT 1`,
      [delivery.webhookId, delivery.taskId, delivery.eventId],
    );
    return rows.length > 0;
  }

  async markSkipped(id: string, reason: string): Promise<void> {
    await this.dataSource
      .getRepository(WebhookDelivery)
      .update(
        { id, status: In(['pending', 'retrying']) },
        { status: 'skipped', lastError: reason },
      );
  }

  /** Records a 2xx: the delivery is done and the webhook's failure run ends. */
  async recordSuccess(delivery: WebhookDelivery, responseStatus: number): Promise<void> {
    // One transaction: the delivery's outcome and the webhook's failure counter must agree.
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE webhook_deliveries
            SET status = 'delivered', attempts = attempts + 1, response_status = ?,
                last_error = NULL, delivered_at = ?
          WHERE id = ?`,
        [responseStatus, new Date(), delivery.id],
      );
      await manager.query(
        'UPDATE webhooks SET consecutive_failures = 0 WHERE id = ? AND consecutive_failures > 0',
        [delivery.webhookId],
      );
    });
  }

  /**
   * Records a failed attempt. When it was the last one the delivery fails for good and counts
   * toward the webhook's run of failures, which disables it at `disableAfter`.
   * Answers whether the webhook was disabled by this failure.
   */
  async recordFailure(
    delivery: WebhookDelivery,
    outcome: AttemptOutcome,
    final: boolean,
    disableAfter: number,
  ): Promise<boolean> {
    const status: DeliveryStatus = final ? 'failed' : 'retrying';
    // One transaction: the delivery's outcome and the webhook's failure counter must agree.
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE webhook_deliveries
            SET status = ?, attempts = attempts + 1, response_status = ?, last_error = ?
          WHERE id = ?`,
        [status, outcome.responseStatus, outcome.error?.slice(0, 1024) ?? null, delivery.id],
      );
      if (!final) return false;
      const rows = await manager.query<Array<{ consecutive_failures: number; active: number }>>(
        'SELECT consecutive_failures, active FROM webhooks WHERE id = ? FOR UPDATE',
        [delivery.webhookId],
      );
      const row = rows[0];
      if (!row) return false;
      const failures = Number(row.consecutive_failures) + 1;
      const disable = Number(row.active) === 1 && failures >= disableAfter;
      await manager.query(
        `UPDATE webhooks SET consecutive_failures = ?,
                active = IF(?, 0, active),
                disabled_reason = IF(?, ?, disabled_reason),
                updated_at = IF(?, ?, updated_at)
          WHERE id = ?`,
        [
          failures,
          disable,
          disable,
          `disabled after ${failures} consecutive failed deliveries`,
          disable,
          new Date(),
          delivery.webhookId,
        ],
      );
      return disable;
    });
  }
}
