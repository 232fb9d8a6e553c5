import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobsModule } from '../jobs/jobs.module';
import { ProjectsModule } from '../projects/projects.module';
import { Webhook, WebhookDelivery } from './webhook.entity';
import { WebhookDeliveryHandler } from './webhook-delivery.handler';
import { WebhookEventConsumer } from './webhook-event.consumer';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Webhooks: users register URLs for task events; a task event consumer records one delivery per
 * webhook and a job POSTs it, signed, with retries, in order per task.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Webhook, WebhookDelivery]), JobsModule, ProjectsModule],
  controllers: [WebhooksController],
  providers: [WebhooksRepository, WebhooksService, WebhookEventConsumer, WebhookDeliveryHandler],
})
export class WebhooksModule {}
