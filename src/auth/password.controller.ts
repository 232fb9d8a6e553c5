import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { SESSION_ONLY_MESSAGE } from '../common/auth/token-scopes';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { Endpoint } from '../common/decorators/endpoint.decorator';
import { AuthService } from './auth.service';
import { ChangePasswordDto } from './dto/change-password.dto';

/** The signed-in user's password (under /users/me, documented with the other auth routes). */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('users/me')
export class PasswordController {
  constructor(private readonly auth: AuthService) {}

  @Post('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Endpoint({
    operationId: 'changePassword',
    summary: "Change the caller's password",
    description:
      'Checks `current_password`, sets `new_password` (the rules of registration) and revokes ' +
      "every refresh token of the user, this session's included: every device must log in " +
      'again once its access token expires. Access tokens already issued keep working until ' +
      'they expire (`JWT_EXPIRES_IN`, 15 minutes by default); personal access tokens are not ' +
      'affected (delete them one by one).',
    scope: 'session',
    errors: [
      [
        400,
        { field: 'new_password', message: 'new_password must be 8 to 72 bytes long (UTF-8)' },
        'Validation failed: new_password',
      ],
      [401, 'current_password is wrong'],
      [403, SESSION_ONLY_MESSAGE],
      413,
      415,
      429,
    ],
  })
  @ApiNoContentResponse({ description: 'Changed; every refresh token of the user is revoked' })
  async change(@CurrentUser() caller: AuthUser, @Body() dto: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(caller.id, dto);
  }
}
