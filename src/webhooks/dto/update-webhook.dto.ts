import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class UpdateWebhookDto {
  @ApiProperty({
    description:
      '`true` re-enables the webhook (also one disabled after failed deliveries) and resets its ' +
      'failure count; `false` disables it.',
    example: true,
  })
  @IsBoolean()
  active!: boolean;
}
