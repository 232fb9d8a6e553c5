import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import { JobHandler, JobHandlerInstance, PermanentJobError } from '../jobs/job-handler';
import type { DeliveryStatus, WebhookDelivery } from './webhook.entity';
import { DELIVERY_TIMEOUT_MS, DISABLE_AFTER_CONSECUTIVE_FAILURES } from './webhook-events';
import { postWebhook } from './webhook-sender';
import { webhookSignatureHeaders } from './webhook-signature';
import {
  assertPublicHost,
  guardedLookup,
  hostOf,
  parseWebhookUrl,
  UnsafeWebhookTargetError,
} from './webhook-target';
import { AttemptOutcome, WebhooksRepository } from './webhooks.repository';

export interface WebhookDeliveryPayload {
  deliveryId: string;
  webhookId: number;
}

declare module '../jobs/job-registry' {
  interface JobPayloads {
    /** POST one stored webhook delivery (its body and id were fixed when it was created). */
    'webhooks.deliver': WebhookDeliveryPayload;
  }
}

/** How long a job waits before looking again (for its row, or for an earlier delivery). */
const POSTPONE_MS = 250;
/**
 * A job can run before the dispatch that created its row has committed; within this age a
 * missing row of an existing webhook is waited for, past it the delivery is given up.
 */
const MISSING_ROW_GRACE_MS = 60_000;
/** Past this age a delivery stops waiting for an earlier one of its task (a stuck one). */
const ORDERING_MAX_WAIT_MS = 10 * 60_000;

/**
 * Sends one stored delivery: the stored body, signed with the webhook's secret, the delivery id
 * as `X-Webhook-Delivery` and `webhook-id` on every attempt. 2xx is success; anything else is
 * recorded and rethrown so BullMQ retries with the registry's backoff, and the last failure
 * fails the delivery and counts toward disabling the webhook. A target resolving to a non-public address
 * fails at once (the DNS answer may have changed since the webhook was registered).
 */
@Injectable()
@JobHandler('webhooks.deliver')
export class WebhookDeliveryHandler implements JobHandlerInstance<'webhooks.deliver'> {
  private readonly logger = new Logger(WebhookDeliveryHandler.name);

  constructor(
    private readonly webhooks: WebhooksRepository,
    @InjectAppConfig() private readonly config: AppConfigType,
  ) {}

  async handle(
    job: Job<WebhookDeliveryPayload>,
    token?: string,
  ): Promise<{ status: DeliveryStatus }> {
    const { deliveryId, webhookId } = job.data;
    const found = await this.webhooks.findDelivery(deliveryId);
    if (!found) {
      // The webhook exists: the dispatch that wrote this row has not committed yet (or rolled
      // back, and its retry writes another row with another job).
      if (
        Date.now() - job.timestamp < MISSING_ROW_GRACE_MS &&
        (await this.webhooks.webhookExists(webhookId))
      ) {
        return this.postpone(job, token);
      }
      throw new PermanentJobError(`webhook delivery ${deliveryId} no longer exists`);
    }
    const { delivery, webhook } = found;
    if (delivery.status !== 'pending' && delivery.status !== 'retrying') {
      return { status: delivery.status };
    }
    if (!webhook.active) {
      await this.webhooks.markSkipped(delivery.id, 'webhook disabled');
      return { status: 'skipped' };
    }
    if (
      Date.now() - delivery.createdAt.getTime() < ORDERING_MAX_WAIT_MS &&
      (await this.webhooks.earlierUnderway(delivery))
    ) {
      return this.postpone(job, token);
    }

    const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const url = parseWebhookUrl(webhook.url);
    let status: number;
    try {
      if (typeof url === 'string') throw new UnsafeWebhookTargetError(url);
      if (!this.config.webhooks.allowPrivate) await assertPublicHost(hostOf(url));
      status = await postWebhook({
        url,
        body: delivery.body,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'task-service-webhooks/1',
          'X-Webhook-Event': delivery.eventType,
          'X-Webhook-Delivery': delivery.id,
          // Signed per attempt: webhook-timestamp is this attempt's time, so receivers can
          // refuse a captured delivery replayed later.
          ...webhookSignatureHeaders(webhook.secret, delivery.id, delivery.body, Date.now()),
        },
        timeoutMs: DELIVERY_TIMEOUT_MS,
        lookup: this.config.webhooks.allowPrivate ? undefined : guardedLookup(),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof UnsafeWebhookTargetError) {
        await this.fail(delivery, { responseStatus: null, error: `refused: ${message}` }, true);
        throw new PermanentJobError(`webhook delivery ${delivery.id} refused: ${message}`);
      }
      await this.fail(delivery, { responseStatus: null, error: message }, final);
      throw error;
    }
    if (status >= 200 && status < 300) {
      await this.webhooks.recordSuccess(delivery, status);
      return { status: 'delivered' };
    }
    await this.fail(delivery, { responseStatus: status, error: `HTTP ${status}` }, final);
    throw new Error(`webhook answered HTTP ${status}`);
  }

  private async fail(
    delivery: WebhookDelivery,
    outcome: AttemptOutcome,
    final: boolean,
  ): Promise<void> {
    const disabled = await this.webhooks.recordFailure(
      delivery,
      outcome,
      final,
      DISABLE_AFTER_CONSECUTIVE_FAILURES,
    );
    if (disabled) {
      this.logger.warn(
        `Webhook ${delivery.webhookId} disabled after ${DISABLE_AFTER_CONSECUTIVE_FAILURES} consecutive failed deliveries`,
      );
    }
  }

  private async postpone(job: Job, token?: string): Promise<never> {
    // BullMQ's way to postpone a job without counting a failed attempt.
    await job.moveToDelayed(Date.now() + POSTPONE_MS, token);
    throw new DelayedError();
  }
}
