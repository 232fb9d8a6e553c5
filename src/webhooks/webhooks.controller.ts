import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Endpoint } from '../common/decorators/endpoint.decorator';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { ParseIdPipe } from '../common/http/parse-id.pipe';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import {
  CreatedWebhookResponseDto,
  WebhookDeliveryResponseDto,
  WebhookResponseDto,
} from './dto/webhook-response.dto';
import { WebhooksService } from './webhooks.service';
import { ApiIdParam } from '../common/decorators/api-id-param.decorator';

const ID_PARAM = ApiIdParam('id', 'Webhook id (positive integer)');

const DELIVERY_DESCRIPTION =
  "Each event of a task the webhook's owner can see when the event is dispatched (a member of " +
  'the task\'s project, or its assignee; for `task.deleted`, the assignee it had) is POSTed to the URL as `{"id": "<delivery id>", "event", ' +
  '"created_at", "data": {"task": Task}}` (for `comment.created`, `"data": {"task": Task, ' +
  '"comment": Comment}`) with `Content-Type: application/json`, ' +
  '`X-Webhook-Event`, `X-Webhook-Delivery` (the delivery id, the same on every retry, for ' +
  'de-duplication: delivery is at least once) and `X-Webhook-Signature: sha256=<hex ' +
  'HMAC-SHA256 of the raw body keyed with the secret>`, plus the Standard Webhooks headers ' +
  '`webhook-id` (the delivery id), `webhook-timestamp` (Unix seconds of this attempt) and ' +
  '`webhook-signature: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw ' +
  'body>">`. The HMAC key of both signatures is the secret\'s UTF-8 bytes exactly as returned ' +
  'at creation (a `whsec_` prefix included; it is not base64-decoded, so give Standard Webhooks ' +
  "libraries the secret in their raw format, e.g. `new Webhook(secret, { format: 'raw' })`). " +
  'To refuse a replayed old delivery a receiver: (1) rejects the request when ' +
  '`webhook-timestamp` is more than 5 minutes (the Standard Webhooks tolerance) from its own ' +
  'clock; (2) recomputes the ' +
  '`webhook-signature` HMAC over the raw body bytes as received (before JSON parsing) and ' +
  'accepts only if a space-separated `v1,` entry equals it (constant-time comparison); (3) ' +
  'drops a `webhook-id` it has already processed. Each retry has a new timestamp and ' +
  '`webhook-signature`; its id, body and `X-Webhook-Signature` stay the same, and ' +
  '`X-Webhook-Signature` alone, not covering the time, cannot tell a replay. ' +
  'A 2xx answer within 5 seconds is ' +
  'success; anything else (including redirects, which are not followed) is retried with ' +
  'exponential backoff (JOB_ATTEMPTS, JOB_BACKOFF_MS); the body is byte-identical on every ' +
  'attempt. The events of one task reach one webhook in order. A target that resolves to a ' +
  'non-public address at delivery time fails at once. After 5 consecutive deliveries failed ' +
  'for good the webhook is disabled (`active: false`, with `disabled_reason`); re-enable it ' +
  'with `PATCH /webhooks/{id}`.';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Endpoint({
    operationId: 'createWebhook',
    scope: 'webhooks',
    summary: 'Register a webhook for task events',
    description:
      `${DELIVERY_DESCRIPTION} The secret is returned only here. At most 20 webhooks per ` +
      'user (409 beyond).',
    errors: [
      400,
      401,
      [409, 'a user can have at most 20 webhooks; delete one first'],
      413,
      415,
      429,
      503,
    ],
  })
  @ApiBody({
    type: CreateWebhookDto,
    examples: {
      generated: { value: { url: 'https://example.com/hooks/tasks', events: ['task.created'] } },
      ownSecret: {
        value: {
          url: 'https://example.com/hooks/tasks',
          events: ['task.completed', 'task.due_soon'],
          secret: 'whsec_5f1d0c3b9a7e4d2c8b6a1f0e9d8c7b6a',
        },
      },
    },
  })
  @ApiCreatedResponse({ type: CreatedWebhookResponseDto })
  create(
    @CurrentUser() caller: AuthUser,
    @Body() dto: CreateWebhookDto,
  ): Promise<CreatedWebhookResponseDto> {
    return this.webhooks.create(caller.id, dto);
  }

  @Get()
  @Endpoint({
    operationId: 'listWebhooks',
    scope: 'webhooks',
    summary: "The caller's webhooks (without secrets)",
    description: 'Oldest first.',
    errors: [401, 429, 503],
  })
  @ApiOkResponse({ type: WebhookResponseDto, isArray: true })
  list(@CurrentUser() caller: AuthUser): Promise<WebhookResponseDto[]> {
    return this.webhooks.list(caller.id);
  }

  @Patch(':id')
  @ID_PARAM
  @Endpoint({
    operationId: 'updateWebhook',
    scope: 'webhooks',
    summary: 'Enable or disable a webhook',
    description:
      '`{"active": true}` re-enables a webhook (for instance one disabled after failed ' +
      'deliveries) and resets its failure count; `{"active": false}` disables it. Deliveries ' +
      'of a disabled webhook that are still queued are skipped; events that happened while it ' +
      "was disabled are not sent later. Another user's webhook answers 404.",
    errors: [400, 401, [404, 'webhook not found'], 413, 415, 429, 503],
  })
  @ApiBody({ type: UpdateWebhookDto, examples: { enable: { value: { active: true } } } })
  @ApiOkResponse({ type: WebhookResponseDto })
  update(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateWebhookDto,
  ): Promise<WebhookResponseDto> {
    return this.webhooks.setActive(caller.id, id, dto.active);
  }

  @Delete(':id')
  @ID_PARAM
  @HttpCode(HttpStatus.NO_CONTENT)
  @Endpoint({
    operationId: 'deleteWebhook',
    scope: 'webhooks',
    summary: 'Delete a webhook and its delivery log',
    description: "Queued deliveries are dropped. Another user's webhook answers 404.",
    errors: [400, 401, [404, 'webhook not found'], 429, 503],
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<void> {
    await this.webhooks.remove(caller.id, id);
  }

  @Get(':id/deliveries')
  @ID_PARAM
  @Endpoint({
    operationId: 'listWebhookDeliveries',
    scope: 'webhooks',
    summary: 'The delivery log of a webhook',
    description: "The 100 newest deliveries, newest first. Another user's webhook answers 404.",
    errors: [400, 401, [404, 'webhook not found'], 429, 503],
  })
  @ApiOkResponse({ type: WebhookDeliveryResponseDto, isArray: true })
  deliveries(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<WebhookDeliveryResponseDto[]> {
    return this.webhooks.deliveries(caller.id, id);
  }
}
