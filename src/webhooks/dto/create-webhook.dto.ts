import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsWellFormedText } from '../../common/validators/text.validator';
import { WEBHOOK_EVENTS, WebhookEvent } from '../webhook-events';

export class CreateWebhookDto {
  @ApiProperty({
    description:
      'Absolute `http` or `https` URL without credentials. Refused (400) when its host resolves ' +
      'to a private, loopback, link-local, unique-local, carrier-grade NAT, multicast, ' +
      'unspecified or cloud metadata address (IPv4 or IPv6), unless the service runs with ' +
      '`WEBHOOK_ALLOW_PRIVATE=true`.',
    maxLength: 2048,
    example: 'https://example.com/hooks/tasks',
  })
  @IsString()
  @IsWellFormedText()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({
    description: 'Event types to receive: at least one, no repeats',
    enum: WEBHOOK_EVENTS,
    enumName: 'WebhookEvent',
    isArray: true,
    example: ['task.created', 'task.completed'],
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, {
    each: true,
    message: `each event must be one of ${WEBHOOK_EVENTS.join(', ')}`,
  })
  events!: WebhookEvent[];

  @ApiPropertyOptional({
    description:
      'Key of the HMAC-SHA256 signature (16 to 255 printable ASCII characters). When absent a ' +
      'random one (`whsec_` + 64 hex digits) is generated. It is stored as given (the service ' +
      'needs it to sign) and returned only in this response.',
    minLength: 16,
    maxLength: 255,
    example: 'whsec_5f1d0c3b9a7e4d2c8b6a1f0e9d8c7b6a',
  })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(255)
  @Matches(/^[\x21-\x7e]+$/, { message: 'secret must be printable ASCII without spaces' })
  secret?: string;
}
