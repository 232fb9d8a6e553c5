import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
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
import {
  ForgotPasswordDto,
  ForgotPasswordResponseDto,
  ResetPasswordDto,
} from './password-reset/password-reset.dto';
import { PasswordResetService } from './password-reset/password-reset.service';

@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly passwordReset: PasswordResetService,
  ) {}

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

  @Post('password/forgot')
  @AuthRateLimit()
  @HttpCode(HttpStatus.ACCEPTED)
  @Endpoint({
    operationId: 'forgotPassword',
    scope: 'public',
    summary: 'Email a password reset link',
    description:
      'Answers 202 whether or not an account uses the email, in the same time: the lookup and ' +
      'the email happen in a background job. When one does, it gets a link to ' +
      '`${PUBLIC_APP_URL}/reset-password?token=…`, valid 30 minutes and once; the front end ' +
      'posts the token to `resetPassword`. Rate limited per IP like login. 503 when the ' +
      'server sends no email (no `SMTP_URL`).',
    errors: [
      [400, { field: 'email', message: 'email must be a valid email address' }],
      413,
      415,
      429,
      [503, 'Password reset is unavailable: this server sends no email (SMTP_URL is not set)'],
    ],
  })
  @ApiAcceptedResponse({ type: ForgotPasswordResponseDto })
  async forgotPassword(@Body() dto: ForgotPasswordDto): Promise<ForgotPasswordResponseDto> {
    await this.passwordReset.forgot(dto.email);
    return { message: 'If an account uses this email, a reset link is on its way' };
  }

  @Post('password/reset')
  @AuthRateLimit()
  @HttpCode(HttpStatus.NO_CONTENT)
  @Endpoint({
    operationId: 'resetPassword',
    scope: 'public',
    summary: 'Set a new password with a reset token',
    description:
      'The token of a reset link works once, for 30 minutes. A reset spends every open reset ' +
      'token of the user and revokes every refresh token (all sessions end; access tokens ' +
      'expire on their own). A used, expired or unknown token is 400 naming `token`.',
    errors: [
      [
        400,
        { field: 'token', message: 'the reset token is invalid, expired or already used' },
        'token: the reset token is invalid, expired or already used',
      ],
      413,
      415,
      429,
    ],
  })
  @ApiNoContentResponse({ description: 'The password is changed; every session is revoked' })
  async resetPassword(@Body() dto: ResetPasswordDto): Promise<void> {
    await this.passwordReset.reset(dto.token, dto.new_password);
  }
}
