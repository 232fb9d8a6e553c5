import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../../common/http/page.query';

/** Query of `GET /projects`. Unknown parameters are dropped by the global pipe. */
export class ListProjectsQuery extends PageQuery {
  @ApiPropertyOptional({
    description: '`true`: the archived projects instead of the live ones; `false` or absent: live',
    type: Boolean,
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  archived?: 'true' | 'false';
}
