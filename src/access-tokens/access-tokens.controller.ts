import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Param,
  Post,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { SESSION_ONLY_MESSAGE } from '../common/auth/token-scopes';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { Endpoint } from '../common/decorators/endpoint.decorator';
import { NO_STORE } from '../common/http/cache-control';
import { ParseIdPipe } from '../common/http/parse-id.pipe';
import { AccessTokensService, MAX_TOKENS_PER_USER } from './access-tokens.service';
import {
  AccessTokenResponseDto,
  CreatedAccessTokenResponseDto,
} from './dto/access-token-response.dto';
import { CreateAccessTokenDto } from './dto/create-access-token.dto';
import { ApiIdParam, BAD_ID_ERROR } from '../common/decorators/api-id-param.decorator';

export const TOKENS_TAG = 'tokens';

const ID_PARAM = ApiIdParam('id', 'Token id (positive integer)');

@ApiTags(TOKENS_TAG)
@ApiBearerAuth()
@Controller('users/me/tokens')
export class AccessTokensController {
  constructor(private readonly tokens: AccessTokensService) {}

  @Post()
  @Header('Cache-Control', NO_STORE)
  @Endpoint({
    operationId: 'createPersonalAccessToken',
    summary: 'Create a personal access token',
    description:
      'The token (`tms_…`) is in this response only; the service stores its hash. Send it as ' +
      '`Authorization: Bearer tms_…`: it acts as its user within its scopes until it expires ' +
      `or is deleted. A user holds at most ${MAX_TOKENS_PER_USER} tokens (expired ones count ` +
      'until deleted).',
    scope: 'session',
    errors: [
      [
        400,
        { field: 'scopes', message: 'each scope must be one of tasks:read, tasks:write, …' },
        'Validation failed: scopes',
      ],
      401,
      [403, SESSION_ONLY_MESSAGE],
      [
        409,
        `a user can have at most ${MAX_TOKENS_PER_USER} personal access tokens; delete one first`,
      ],
      413,
      415,
      429,
    ],
  })
  @ApiCreatedResponse({ type: CreatedAccessTokenResponseDto })
  create(
    @CurrentUser() caller: AuthUser,
    @Body() dto: CreateAccessTokenDto,
  ): Promise<CreatedAccessTokenResponseDto> {
    return this.tokens.create(caller.id, dto);
  }

  @Get()
  @Endpoint({
    operationId: 'listPersonalAccessTokens',
    summary: "The caller's personal access tokens (without the secrets), newest first",
    description: 'Expired tokens are listed (their `expires_at` is past) until deleted.',
    scope: 'session',
    errors: [401, [403, SESSION_ONLY_MESSAGE], 429],
  })
  @ApiOkResponse({ type: [AccessTokenResponseDto] })
  list(@CurrentUser() caller: AuthUser): Promise<AccessTokenResponseDto[]> {
    return this.tokens.list(caller.id);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ID_PARAM
  @Endpoint({
    operationId: 'deletePersonalAccessToken',
    summary: 'Delete a personal access token',
    description: 'The token answers 401 from the next request on, on every instance.',
    scope: 'session',
    errors: [
      BAD_ID_ERROR,
      401,
      [403, SESSION_ONLY_MESSAGE],
      [404, 'personal access token not found'],
      429,
    ],
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<void> {
    await this.tokens.delete(caller.id, id);
  }
}
