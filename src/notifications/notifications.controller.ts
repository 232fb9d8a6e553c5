import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Endpoint } from '../common/decorators/endpoint.decorator';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { ParseIdPipe } from '../common/http/parse-id.pipe';
import { ListNotificationsQuery } from './dto/list-notifications.query';
import { NotificationResponseDto } from './dto/notification-response.dto';
import { NOTIFICATIONS_LIST_LIMIT, NotificationsService } from './notifications.service';
import { ApiIdParam } from '../common/decorators/api-id-param.decorator';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Endpoint({
    operationId: 'listNotifications',
    scope: 'notifications',
    summary: "The caller's notifications, newest first",
    description:
      `The latest ${NOTIFICATIONS_LIST_LIMIT} notifications of the caller (\`unread=true\`: ` +
      'the latest unread ones). Being assigned a task by someone else notifies the assignee ' +
      '(`assigned`); a task due within REMINDER_LEAD notifies its creator and assignee (those who can still see it) ' +
      '(`due_soon`); being added to a project notifies the new member (`project_added`, with ' +
      '`project_id` and no `task_id`). Each event notifies a user at most once.',
    errors: [400, 401, 429, 503],
  })
  @ApiOkResponse({ type: NotificationResponseDto, isArray: true })
  list(
    @CurrentUser() caller: AuthUser,
    @Query() query: ListNotificationsQuery,
  ): Promise<NotificationResponseDto[]> {
    return this.notifications.list(caller.id, query.unread === 'true');
  }

  @Post(':id/read')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiIdParam('id', 'Notification id (positive integer)')
  @Endpoint({
    operationId: 'markNotificationRead',
    scope: 'notifications',
    summary: "Mark one of the caller's notifications read",
    description:
      'Idempotent: marking a read notification again answers 204 and keeps its first `read_at`. ' +
      "Another user's notification and an unknown id both answer 404.",
    errors: [400, 401, [404, 'Notification not found'], 429, 503],
  })
  @ApiNoContentResponse({ description: 'Marked read (or it already was)' })
  async markRead(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<void> {
    await this.notifications.markRead(caller.id, id);
  }
}
