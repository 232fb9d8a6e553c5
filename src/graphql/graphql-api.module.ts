import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { ActivityModule } from '../activity/activity.module';
import { AttachmentsModule } from '../attachments/attachments.module';
import { AuthModule } from '../auth/auth.module';
import { CommentsModule } from '../comments/comments.module';
import { LabelsModule } from '../labels/labels.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ProjectsModule } from '../projects/projects.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { TasksModule } from '../tasks/tasks.module';
import { UsersModule } from '../users/users.module';
import { GraphqlOptions } from './graphql-options';
import { GRAPHQL_RESOLVERS } from './resolvers';
import { GraphqlWsGateway } from './subscriptions/graphql-ws.gateway';

/**
 * `POST /graphql` (and `GET` for queries) beside the REST API (API.md "GraphQL"), on Mercurius.
 * A layer over the feature services and nothing else: every resolver calls the service the
 * matching REST controller calls, so permissions, validation, events and caches are theirs.
 */
@Module({
  imports: [
    GraphQLModule.forRootAsync<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      imports: [AuthModule, RateLimitModule, UsersModule, ProjectsModule, CommentsModule],
      useClass: GraphqlOptions,
    }),
    TasksModule,
    ProjectsModule,
    LabelsModule,
    CommentsModule,
    AttachmentsModule,
    ActivityModule,
    NotificationsModule,
    UsersModule,
    AuthModule,
    RealtimeModule,
  ],
  providers: [...GRAPHQL_RESOLVERS, GraphqlWsGateway],
})
export class GraphqlApiModule {}
