import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AccessTokensModule } from './access-tokens/access-tokens.module';
import { ActivityModule } from './activity/activity.module';
import { AttachmentsModule } from './attachments/attachments.module';
import { AuthModule } from './auth/auth.module';
import { AuthenticationGuard } from './auth/authentication.guard';
import { ScopeGuard } from './auth/scope.guard';
import { CommentsModule } from './comments/comments.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { AppValidationPipe } from './common/http/validation';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ReadReplicasModule } from './read-replicas/read-replicas.module';
import { ExportsModule } from './exports/exports.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { LabelsModule } from './labels/labels.module';
import { LoggingModule } from './logging/logging.module';
import { MailModule } from './mail/mail.module';
import { MetricsModule } from './metrics/metrics.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OidcModule } from './oidc/oidc.module';
import { ProjectsModule } from './projects/projects.module';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RealtimeModule } from './realtime/realtime.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RedisModule } from './redis/redis.module';
import { ReportsModule } from './reports/reports.module';
import { TasksModule } from './tasks/tasks.module';
import { UsersModule } from './users/users.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    AppConfigModule,
    LoggingModule,
    DatabaseModule,
    RedisModule,
    ReadReplicasModule,
    MetricsModule,
    RateLimitModule,
    HealthModule,
    UsersModule,
    AuthModule,
    AccessTokensModule,
    OidcModule,
    ProjectsModule,
    LabelsModule,
    TasksModule,
    JobsModule,
    MailModule,
    ExportsModule,
    NotificationsModule,
    WebhooksModule,
    ReportsModule,
    AttachmentsModule,
    CommentsModule,
    ActivityModule,
    RealtimeModule,
  ],
  providers: [
    { provide: APP_PIPE, useClass: AppValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    // Order matters: the authentication guard resolves the caller first, so the rate limit can
    // count per user; the scope guard comes last, so a token's refused requests count too.
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: ScopeGuard },
  ],
})
export class AppModule {}
