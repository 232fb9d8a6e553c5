import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/decorators/api-error-responses.decorator';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { SearchUsersQuery } from './dto/search-users.query';
import {
  toUserResponse,
  toUserSummary,
  UserResponseDto,
  UserSummaryDto,
} from './dto/user-response.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrorResponses(401, 429)
  async me(@CurrentUser() caller: AuthUser): Promise<UserResponseDto> {
    return toUserResponse(await this.users.getMe(caller.id));
  }

  @Get()
  @ApiOperation({ summary: 'Find users by username prefix (for assignee pickers)' })
  @ApiOkResponse({ type: [UserSummaryDto] })
  @ApiErrorResponses(400, 401, 429)
  async search(@Query() query: SearchUsersQuery): Promise<UserSummaryDto[]> {
    return (await this.users.search(query.q, query.limit)).map(toUserSummary);
  }
}
