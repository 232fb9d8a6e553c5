import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Endpoint } from '../common/decorators/endpoint.decorator';
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
  @Endpoint({
    operationId: 'getMe',
    scope: 'any',
    summary: 'The signed-in user',
    errors: [401, 429],
  })
  @ApiOkResponse({ type: UserResponseDto })
  async me(@CurrentUser() caller: AuthUser): Promise<UserResponseDto> {
    return toUserResponse(await this.users.getMe(caller.id));
  }

  @Get()
  @Endpoint({
    operationId: 'listUsers',
    scope: 'projects:read',
    summary: 'Find users by username prefix (for assignee pickers)',
    errors: [400, 401, 429],
  })
  @ApiOkResponse({ type: [UserSummaryDto] })
  async search(@Query() query: SearchUsersQuery): Promise<UserSummaryDto[]> {
    return (await this.users.search(query.q, query.limit)).map(toUserSummary);
  }
}
