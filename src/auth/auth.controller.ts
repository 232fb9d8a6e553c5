import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Endpoint } from '../common/decorators/endpoint.decorator';
import { Public } from '../common/decorators/public.decorator';
import { AuthRateLimit } from '../common/decorators/rate-limit.decorator';
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
  @Endpoint({
    operationId: 'register',
    scope: 'public',
    summary: 'Create an account',
    errors: [400, [409, 'email is already registered'], 413, 415, 429],
  })
  @ApiCreatedResponse({ type: RegisterResponseDto })
  async register(@Body() dto: RegisterDto): Promise<RegisterResponseDto> {
    return { message: 'User registered successfully', user: await this.auth.register(dto) };
  }

  @Post('login')
  @AuthRateLimit()
  @HttpCode(HttpStatus.OK)
  @Endpoint({
    operationId: 'login',
    scope: 'public',
    summary: 'Sign in',
    description:
      'An unknown email and a wrong password get the same 401 `invalid credentials`, in about the same time.',
    errors: [400, [401, 'invalid credentials'], 413, 415, 429],
  })
  @ApiOkResponse({ type: SessionResponseDto })
  login(@Body() dto: LoginDto): Promise<SessionResponseDto> {
    return this.auth.login(dto);
  }

  @Post('refresh')
  @AuthRateLimit()
  @HttpCode(HttpStatus.OK)
  @Endpoint({
    operationId: 'refreshSession',
    scope: 'public',
    summary: 'Exchange a refresh token for a new pair',
    description:
      'Each refresh token works once. Presenting a retired one again answers 401 and revokes its whole family (the newest token included); of concurrent refreshes of one token exactly one succeeds.',
    errors: [400, [401, 'invalid or expired refresh token'], 413, 415, 429],
  })
  @ApiOkResponse({ type: SessionResponseDto })
  refresh(@Body() dto: RefreshTokenDto): Promise<SessionResponseDto> {
    return this.auth.refresh(dto.refresh_token);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Endpoint({
    operationId: 'logout',
    scope: 'public',
    summary: 'Revoke the session family of a refresh token',
    errors: [400, [401, 'invalid or expired refresh token'], 413, 415, 429],
  })
  @ApiNoContentResponse({ description: 'The family is revoked' })
  async logout(@Body() dto: RefreshTokenDto): Promise<void> {
    await this.auth.logout(dto.refresh_token);
  }
}
