import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ProjectsModule } from '../projects/projects.module';
import { TasksModule } from '../tasks/tasks.module';
import { EventStream } from './event-stream';
import { RealtimeController } from './http/realtime.controller';
import {
  RealtimeMembershipFeed,
  RealtimeNotificationFeed,
  RealtimeProjectDeletionFeed,
  RealtimeTaskEventFeed,
} from './realtime-feeds';
import { RealtimeHub } from './realtime-hub';
import { RealtimeMetrics } from './realtime-metrics';
import { RealtimePublisher } from './realtime-publisher';
import { RealtimeTokenVerifier } from './realtime-token.verifier';
import { RealtimeGateway } from './realtime.gateway';

/**
 * Real-time updates over WebSocket (`GET /api/v1/ws`). Fed after commit by a task event
 * consumer, a notification listener, a membership listener and a project deletion participant
 * (all discovered by the modules they listen to, which import nothing from here), through one
 * Redis stream that every API instance reads (RealtimeHub) and that keeps 10 minutes for resumes.
 */
@Module({
  imports: [ProjectsModule, TasksModule, AuthModule],
  controllers: [RealtimeController],
  providers: [
    EventStream,
    RealtimeMetrics,
    RealtimePublisher,
    RealtimeTaskEventFeed,
    RealtimeNotificationFeed,
    RealtimeMembershipFeed,
    RealtimeProjectDeletionFeed,
    RealtimeTokenVerifier,
    RealtimeHub,
    RealtimeGateway,
  ],
  // The hub's live feed also serves GraphQL subscriptions (src/graphql), with these same rules.
  exports: [RealtimeHub],
})
export class RealtimeModule {}
