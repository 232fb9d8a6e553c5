import { Controller, Get, Header, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Endpoint } from '../../common/decorators/endpoint.decorator';
import { Public } from '../../common/decorators/public.decorator';
import { AcceptsFormPost } from '../../common/http/form-post';
import { UnsubscribeQuery, UnsubscribeResponseDto } from './notification-settings.dto';
import { NotificationSettingsService } from './notification-settings.service';
import { unsubscribePage } from './unsubscribe-page';

/**
 * The List-Unsubscribe target of notification emails (RFC 8058). No sign-in: the signed token
 * says whose switch and which. GET only shows a confirmation (link scanners and previews fetch
 * links; they must not unsubscribe anyone); POST turns the switch off, whatever its body (mail
 * providers send `List-Unsubscribe=One-Click` as a form).
 */
@ApiTags('notifications')
@Public()
@Controller('unsubscribe')
export class UnsubscribeController {
  constructor(private readonly settings: NotificationSettingsService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Endpoint({
    operationId: 'getUnsubscribePage',
    scope: 'public',
    summary: 'Confirm an unsubscribe link (HTML page)',
    description:
      'The page a person sees when opening the link: it names the email kind and offers a ' +
      'button that POSTs to the same URL. Changes nothing. A tampered token is 400.',
    errors: [
      [
        400,
        { field: 'token', message: 'the unsubscribe link is invalid (altered or incomplete)' },
        'token: the unsubscribe link is invalid',
      ],
      429,
    ],
  })
  @ApiProduces('text/html')
  @ApiOkResponse({
    description: 'An HTML confirmation page',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  page(@Query() query: UnsubscribeQuery): string {
    return unsubscribePage(this.settings.settingOf(query.token), query.token);
  }

  @Post()
  @HttpCode(HttpStatus.OK)
  @AcceptsFormPost()
  @Endpoint({
    operationId: 'unsubscribe',
    scope: 'public',
    summary: 'Turn off one kind of notification email (one click, no sign-in)',
    description:
      "RFC 8058 one-click unsubscribe: the URL of a notification email's `List-Unsubscribe` " +
      'header (with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`). The signed token names ' +
      'the user and the kind; the body is ignored (mail providers send ' +
      '`List-Unsubscribe=One-Click` as `application/x-www-form-urlencoded` or ' +
      '`multipart/form-data`, which this route accepts). Idempotent. A tampered token is 400.',
    errors: [
      [
        400,
        { field: 'token', message: 'the unsubscribe link is invalid (altered or incomplete)' },
        'token: the unsubscribe link is invalid',
      ],
      413,
      429,
    ],
  })
  @ApiOkResponse({ type: UnsubscribeResponseDto })
  async unsubscribe(@Query() query: UnsubscribeQuery): Promise<UnsubscribeResponseDto> {
    return { setting: await this.settings.unsubscribe(query.token), enabled: false };
  }
}
