import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ValidationFailedError } from '../common/errors/domain-errors';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import {
  CreatedWebhookResponseDto,
  toCreatedWebhookResponse,
  toDeliveryResponse,
  toWebhookResponse,
  WebhookDeliveryResponseDto,
  WebhookResponseDto,
} from './dto/webhook-response.dto';
import { WebhookNotFoundError, TooManyWebhooksError } from './webhook.errors';
import { DELIVERY_LOG_LIMIT, MAX_WEBHOOKS_PER_USER } from './webhook-events';
import {
  assertPublicHost,
  hostOf,
  parseWebhookUrl,
  UnsafeWebhookTargetError,
  WebhookHostUnresolvedError,
} from './webhook-target';
import { WebhooksRepository } from './webhooks.repository';

/** The caller's webhooks: registration (with the SSRF check), listing, switching, deliveries. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    @InjectAppConfig() private readonly config: AppConfigType,
  ) {}

  async create(userId: number, dto: CreateWebhookDto): Promise<CreatedWebhookResponseDto> {
    const url = parseWebhookUrl(dto.url);
    if (typeof url === 'string') throw ValidationFailedError.forField('url', url);
    if (!this.config.webhooks.allowPrivate) {
      try {
        await assertPublicHost(hostOf(url));
      } catch (error) {
        if (
          error instanceof UnsafeWebhookTargetError ||
          error instanceof WebhookHostUnresolvedError
        ) {
          throw ValidationFailedError.forField('url', error.message);
        }
        throw error;
      }
    }
    if ((await this.webhooks.countOwned(userId)) >= MAX_WEBHOOKS_PER_USER) {
      throw new TooManyWebhooksError(MAX_WEBHOOKS_PER_USER);
    }
    const webhook = await this.webhooks.create({
      userId,
      url: url.toString(),
      events: dto.events,
      secret: dto.secret ?? `whsec_${randomBytes(32).toString('hex')}`,
    });
    return toCreatedWebhookResponse(webhook);
  }

  async list(userId: number): Promise<WebhookResponseDto[]> {
    return (await this.webhooks.listOwned(userId)).map(toWebhookResponse);
  }

  async setActive(userId: number, id: number, active: boolean): Promise<WebhookResponseDto> {
    const webhook = await this.webhooks.setActiveOwned(userId, id, active);
    if (!webhook) throw new WebhookNotFoundError();
    return toWebhookResponse(webhook);
  }

  async remove(userId: number, id: number): Promise<void> {
    if (!(await this.webhooks.deleteOwned(userId, id))) throw new WebhookNotFoundError();
  }

  async deliveries(userId: number, id: number): Promise<WebhookDeliveryResponseDto[]> {
    const webhook = await this.webhooks.findOwned(userId, id);
    if (!webhook) throw new WebhookNotFoundError();
    return (await this.webhooks.recentDeliveries(webhook.id, DELIVERY_LOG_LIMIT)).map(
      toDeliveryResponse,
    );
  }
}
