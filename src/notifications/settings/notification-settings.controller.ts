import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { Endpoint } from '../../common/decorators/endpoint.decorator';
import {
  NotificationSettingsResponseDto,
  UpdateNotificationSettingsDto,
} from './notification-settings.dto';
import { NotificationSettingsService } from './notification-settings.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('users/me/notification-settings')
export class NotificationSettingsController {
  constructor(private readonly settings: NotificationSettingsService) {}

  @Get()
  @Endpoint({
    operationId: 'getNotificationSettings',
    scope: 'notifications',
    summary: "The caller's email switches",
    description:
      'Which notifications also reach the caller by email: being assigned a task, being ' +
      'mentioned, comments on tasks it created or is assigned, due-date reminders. All on by ' +
      'default. In-app notifications are not affected. No email is sent at all when the server ' +
      'has no `SMTP_URL`.',
    errors: [401, 429],
  })
  @ApiOkResponse({ type: NotificationSettingsResponseDto })
  get(@CurrentUser() caller: AuthUser): Promise<NotificationSettingsResponseDto> {
    return this.settings.get(caller.id);
  }

  @Patch()
  @Endpoint({
    operationId: 'updateNotificationSettings',
    scope: 'notifications',
    summary: "Change some of the caller's email switches",
    description:
      'Only the switches sent change (booleans; at least one). Answers all of them. Each ' +
      "notification email's one-click unsubscribe link turns its own switch off too.",
    errors: [
      [
        400,
        {
          field: 'body',
          message:
            'send at least one of email_assigned, email_mentioned, email_commented, email_due_soon',
        },
        'body: send at least one setting to change',
      ],
      401,
      413,
      415,
      429,
    ],
  })
  @ApiOkResponse({ type: NotificationSettingsResponseDto })
  update(
    @CurrentUser() caller: AuthUser,
    @Body() dto: UpdateNotificationSettingsDto,
  ): Promise<NotificationSettingsResponseDto> {
    return this.settings.update(caller.id, dto);
  }
}
