import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/decorators/api-error-responses.decorator';
import { Public } from '../common/decorators/public.decorator';
import { AuthRateLimit } from '../rate-limit/rate-limit.decorators';
import { AuthService } from './auth.service';
import {
  LoginDto,
  RefreshTokenDto,
  RegisterDto,
  RegisterResponseDto,
  SessionResponseDto,
} from './dto/auth.dto';

@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @AuthRateLimit()
  @ApiOperation({ summary: 'Create an account' })
  @ApiCreatedResponse({ type: RegisterResponseDto })
  @ApiErrorResponses(400, 409, 413, 415, 429)
  async register(@Body() dto: RegisterDto): Promise<RegisterResponseDto> {
    return { message: 'User registered successfully', user: await this.auth.register(dto) };
  }

  @Post('login')
  @AuthRateLimit()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Sign in',
    description:
      'An unknown email and a wrong password get the same 401 `invalid credentials`, in about the same time.',
  })
  @ApiOkResponse({ type: SessionResponseDto })
  @ApiErrorResponses(400, 401, 413, 415, 429)
  login(@Body() dto: LoginDto): Promise<SessionResponseDto> {
    return this.auth.login(dto);
  }

  @Post('refresh')
  @AuthRateLimit()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair',
    description:
      'Each refresh token works once. Presenting a retired one again answers 401 and revokes its whole family (the newest token included); of concurrent refreshes of one token exactly one succeeds.',
  })
  @ApiOkResponse({ type: SessionResponseDto })
  @ApiErrorResponses(400, 401, 413, 415, 429)
  refresh(@Body() dto: RefreshTokenDto): Promise<SessionResponseDto> {
    return this.auth.refresh(dto.refresh_token);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke the session family of a refresh token' })
  @ApiNoContentResponse({ description: 'The family is revoked' })
  @ApiErrorResponses(400, 401, 413, 415, 429)
  async logout(@Body() dto: RefreshTokenDto): Promise<void> {
    await this.auth.logout(dto.refresh_token);
  }
}
