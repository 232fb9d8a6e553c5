import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { PageQuery } from '../../common/http/page.query';
import { pageLinkHeader, queryStringOf } from '../../common/http/pagination';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { ActivityPage, ActivityService } from '../activity.service';
import { ActivityEntryResponseDto } from '../dto/activity-entry-response.dto';
import { ACTIVITY_TAG, ListProjectActivityRoute, ListTaskActivityRoute } from './activity-routes';

@ApiTags(ACTIVITY_TAG)
@ApiBearerAuth()
@Controller()
export class ActivityController {
  constructor(private readonly activity: ActivityService) {}

  @Get('tasks/:id/activity')
  @ListTaskActivityRoute()
  async listForTask(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) taskId: number,
    @Query() query: PageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActivityEntryResponseDto[]> {
    const page = await this.activity.listForTask(caller.id, taskId, query);
    return paged(reply, `/api/v1/tasks/${taskId}/activity`, request, page);
  }

  @Get('projects/:id/activity')
  @ListProjectActivityRoute()
  async listForProject(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) projectId: number,
    @Query() query: PageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActivityEntryResponseDto[]> {
    const page = await this.activity.listForProject(caller.id, projectId, query);
    return paged(reply, `/api/v1/projects/${projectId}/activity`, request, page);
  }
}

/** The page's items, with `X-Total-Count` and `Link` set on the reply. */
function paged(
  reply: FastifyReply,
  path: string,
  request: FastifyRequest,
  page: ActivityPage,
): ActivityEntryResponseDto[] {
  void reply
    .header('X-Total-Count', String(page.total))
    .header('Link', pageLinkHeader(path, queryStringOf(request.url), page));
  return page.items;
}
