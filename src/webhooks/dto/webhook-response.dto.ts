import { ApiProperty, PickType } from '@nestjs/swagger';
import { DELIVERY_STATUSES, DeliveryStatus, Webhook, WebhookDelivery } from '../webhook.entity';
import { WEBHOOK_EVENTS } from '../webhook-events';

export class WebhookResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  id!: number;

  @ApiProperty({ example: 'https://example.com/hooks/tasks' })
  url!: string;

  @ApiProperty({
    enum: WEBHOOK_EVENTS,
    enumName: 'WebhookEvent',
    isArray: true,
    example: ['task.created'],
  })
  events!: string[];

  @ApiProperty({
    description: 'false once disabled (after failed deliveries or by the owner): nothing is sent',
    example: true,
  })
  active!: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the webhook is disabled; null while active',
    example: null,
  })
  disabled_reason!: string | null;

  @ApiProperty({
    description:
      'Deliveries failed for good in a row (reset by a success or by re-enabling); at 5 the ' +
      'webhook is disabled',
    type: 'integer',
    example: 0,
  })
  consecutive_failures!: number;

  @ApiProperty({ format: 'date-time', example: '2026-01-20T08:30:00.000Z' })
  created_at!: string;
}

/** The creation answer: exactly `id, url, events, secret, created_at` (API.md). */
export class CreatedWebhookResponseDto extends PickType(WebhookResponseDto, [
  'id',
  'url',
  'events',
  'created_at',
] as const) {
  @ApiProperty({
    description: 'The signing secret; shown only in this response',
    example: 'whsec_5f1d0c3b9a7e4d2c8b6a1f0e9d8c7b6a',
  })
  secret!: string;
}

export class WebhookDeliveryResponseDto {
  @ApiProperty({
    description: 'Delivery id, sent as `X-Webhook-Delivery` and as `id` in the body',
    format: 'uuid',
    example: '3f0c2a8e-9d1b-4c57-8a8e-2b1f4c9d7e60',
  })
  id!: string;

  @ApiProperty({ enum: WEBHOOK_EVENTS, enumName: 'WebhookEvent', example: 'task.created' })
  event!: string;

  @ApiProperty({
    enum: DELIVERY_STATUSES,
    enumName: 'WebhookDeliveryStatus',
    description:
      '`pending` (not tried yet), `retrying` (an attempt failed, another follows), `delivered` ' +
      '(2xx), `failed` (every attempt failed, or the target was refused), `skipped` (the ' +
      'webhook was disabled before it was sent)',
    example: 'delivered',
  })
  status!: DeliveryStatus;

  @ApiProperty({ description: 'Attempts made so far', type: 'integer', example: 1 })
  attempts!: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'HTTP status of the last answer; null when none came',
    example: 200,
  })
  response_status!: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the last attempt failed; null after a success',
    example: null,
  })
  last_error!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-01-20T08:30:00.000Z' })
  created_at!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-01-20T08:30:00.250Z',
  })
  delivered_at!: string | null;
}

export function toWebhookResponse(webhook: Webhook): WebhookResponseDto {
  return {
    id: webhook.id,
    url: webhook.url,
    events: webhook.events,
    active: webhook.active,
    disabled_reason: webhook.disabledReason,
    consecutive_failures: webhook.consecutiveFailures,
    created_at: webhook.createdAt.toISOString(),
  };
}

export function toCreatedWebhookResponse(webhook: Webhook): CreatedWebhookResponseDto {
  return {
    id: webhook.id,
    url: webhook.url,
    events: webhook.events,
    secret: webhook.secret,
    created_at: webhook.createdAt.toISOString(),
  };
}

export function toDeliveryResponse(delivery: WebhookDelivery): WebhookDeliveryResponseDto {
  return {
    id: delivery.id,
    event: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    response_status: delivery.responseStatus,
    last_error: delivery.lastError,
    created_at: delivery.createdAt.toISOString(),
    delivered_at: delivery.deliveredAt ? delivery.deliveredAt.toISOString() : null,
  };
}
