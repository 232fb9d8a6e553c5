import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class OidcProviderDto {
  @ApiProperty({ description: 'Used in the login URLs', example: 'keycloak' })
  name!: string;

  @ApiProperty({ description: 'What a login button shows', example: 'Company SSO' })
  display_name!: string;
}

export class StartOidcLoginQuery {
  @ApiProperty({
    description:
      'The front-end URL the login returns to, with `login_code` or `error` added to its query. ' +
      'It must match `OIDC_REDIRECT_ALLOWLIST`: same scheme, host and port, and the same path ' +
      '(or a path below an entry ending with `/`).',
    example: 'https://app.example.com/login/callback',
    maxLength: 2048,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  redirect_uri!: string;
}

/** What the provider sends back (RFC 6749 §4.1.2); other parameters are read as sent. */
export class OidcCallbackQuery {
  @ApiProperty({
    description: 'The `state` of the login, issued by `startOidcLogin`',
    maxLength: 512,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  state!: string;

  @ApiPropertyOptional({ description: 'The authorization code', maxLength: 4096 })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  code?: string;

  @ApiPropertyOptional({
    description: 'The error the provider answered instead of a code (e.g. `access_denied`)',
    maxLength: 256,
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  error?: string;
}

export class ExchangeOidcLoginCodeDto {
  @ApiProperty({
    description: 'The one-time code the login returned to the front end (valid 60 seconds)',
    example: 'Qm9ndXMgY29kZSBmb3IgZG9jcw…',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  login_code!: string;
}
