import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Redirect,
  Req,
  Res,
} from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SessionResponseDto } from '../auth/dto/auth.dto';
import { Endpoint } from '../common/decorators/endpoint.decorator';
import { Public } from '../common/decorators/public.decorator';
import { AuthRateLimit } from '../common/decorators/rate-limit.decorator';
import { queryStringOf } from '../common/http/pagination';
import {
  ExchangeOidcLoginCodeDto,
  OidcCallbackQuery,
  OidcProviderDto,
  StartOidcLoginQuery,
} from './dto/oidc.dto';
import { OidcLoginCookie } from './oidc-login-cookie';
import { OidcService } from './oidc.service';

const PROVIDER_PARAM = {
  name: 'name',
  description: 'A provider name from `listOidcProviders`',
  example: 'keycloak',
};
const REDIRECT_HEADERS = {
  Location: { description: 'Where the browser goes next', schema: { type: 'string' } },
} as const;

@ApiTags('auth')
@Public()
@Controller('auth/oidc')
export class OidcController {
  constructor(
    private readonly oidc: OidcService,
    private readonly cookie: OidcLoginCookie,
  ) {}

  @Get('providers')
  @Endpoint({
    operationId: 'listOidcProviders',
    scope: 'public',
    summary: 'List the single sign-on providers',
    description:
      'The OpenID Connect providers configured (`OIDC_PROVIDERS`), for login buttons; `[]` when single sign-on is off.',
    errors: [429],
  })
  @ApiOkResponse({ type: [OidcProviderDto] })
  listProviders(): OidcProviderDto[] {
    return this.oidc.listProviders();
  }

  @Get(':name/authorize')
  @Redirect()
  @Endpoint({
    operationId: 'startOidcLogin',
    scope: 'public',
    summary: 'Start a single sign-on (redirects to the provider)',
    description:
      'Open in the browser (not with fetch): answers 302 to the provider with `state`, `nonce` and ' +
      'an S256 PKCE challenge, setting the `oidc_login` cookie (HttpOnly) that ties the login to ' +
      'this browser. After the login the browser comes back to `redirect_uri` with ' +
      '`login_code` (exchange it with `exchangeOidcLoginCode` within 60 seconds) or `error`.',
    errors: [
      [400, { field: 'redirect_uri', message: 'redirect_uri is not an allowed front-end URL' }],
      [404, 'unknown identity provider'],
      429,
      [503, 'the identity provider keycloak does not answer; try again shortly'],
    ],
  })
  @ApiParam(PROVIDER_PARAM)
  @ApiFoundResponse({
    description: 'To the provider’s authorization endpoint',
    headers: REDIRECT_HEADERS,
  })
  async startLogin(
    @Param('name') name: string,
    @Query() query: StartOidcLoginQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ url: string; statusCode: number }> {
    const login = await this.oidc.startLogin(name, query.redirect_uri);
    void reply.header('Set-Cookie', this.cookie.set(login.browserBinding));
    return { url: login.url, statusCode: HttpStatus.FOUND };
  }

  @Get(':name/callback')
  @Redirect()
  @Endpoint({
    operationId: 'oidcCallback',
    scope: 'public',
    summary: 'Where the provider returns the browser (redirects to the front end)',
    description:
      'Registered at the provider as `<OIDC_CALLBACK_BASE_URL>/api/v1/auth/oidc/{name}/callback`. ' +
      'Answers 302 to the login’s `redirect_uri` with `login_code`, or with `error`: ' +
      '`access_denied` (refused at the provider), `provider_error`, `provider_unavailable`, ' +
      '`token_rejected` (the code or the ID token failed a check: signature, issuer, audience, ' +
      'nonce, expiry), `email_missing`, `email_in_use` (the email belongs to an account and ' +
      'the provider does not say it is verified, so it is not linked), or `browser_mismatch` ' +
      '(the browser lacks the `oidc_login` cookie that `startOidcLogin` set). A `state` that is ' +
      'missing, unknown, expired or already used names no front end to return to: 400.',
    errors: [
      [400, { field: 'state', message: 'state is unknown, expired or already used' }],
      [404, 'unknown identity provider'],
      429,
    ],
  })
  @ApiParam(PROVIDER_PARAM)
  @ApiFoundResponse({
    description: 'To the front end, with `login_code` or `error`',
    headers: REDIRECT_HEADERS,
  })
  async callback(
    @Param('name') name: string,
    @Query() query: OidcCallbackQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ url: string; statusCode: number }> {
    const url = await this.oidc.finishLogin(
      name,
      query,
      queryStringOf(request.url),
      this.cookie.read(request.headers.cookie),
    );
    void reply.header('Set-Cookie', this.cookie.clear());
    return { url, statusCode: HttpStatus.FOUND };
  }

  @Post('exchange')
  @AuthRateLimit()
  @HttpCode(HttpStatus.OK)
  @Endpoint({
    operationId: 'exchangeOidcLoginCode',
    scope: 'public',
    summary: 'Exchange a single sign-on login code for a session',
    description: 'The same session as `login`. A code works once, within 60 seconds of the login.',
    errors: [400, [401, 'invalid or expired login code'], 413, 415, 429],
  })
  @ApiOkResponse({ type: SessionResponseDto })
  exchange(@Body() dto: ExchangeOidcLoginCodeDto): Promise<SessionResponseDto> {
    return this.oidc.exchange(dto.login_code);
  }
}
