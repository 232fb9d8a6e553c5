import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class ListNotificationsQuery {
  @ApiPropertyOptional({
    description: '`true`: only unread notifications; `false` or absent: all',
    enum: ['true', 'false'],
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  unread?: 'true' | 'false';
}
