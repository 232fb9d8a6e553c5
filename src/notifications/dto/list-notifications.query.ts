import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class ListNotificationsQuery {
  @ApiPropertyOptional({
    description: '`true`: only unread notifications; `false` or absent: all',
    type: Boolean,
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  unread?: 'true' | 'false';
}
