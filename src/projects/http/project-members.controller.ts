import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Put,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { ProjectMembersService } from '../project-members.service';
import { ProjectMemberResponseDto } from './dto/project-member-response.dto';
import { SetProjectMemberDto } from './dto/set-project-member.dto';
import { ParseUserIdPipe } from './parse-user-id.pipe';
import {
  ListProjectMembersRoute,
  PROJECTS_TAG,
  RemoveProjectMemberRoute,
  SetProjectMemberRoute,
} from './project-routes';

@ApiTags(PROJECTS_TAG)
@ApiBearerAuth()
@Controller('projects/:id/members')
export class ProjectMembersController {
  constructor(private readonly members: ProjectMembersService) {}

  @Get()
  @ListProjectMembersRoute()
  list(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<ProjectMemberResponseDto[]> {
    return this.members.list(caller.id, id);
  }

  @Put(':user_id')
  @SetProjectMemberRoute()
  async set(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Param('user_id', ParseUserIdPipe) userId: number,
    @Body() dto: SetProjectMemberDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProjectMemberResponseDto> {
    const result = await this.members.set(caller.id, id, userId, dto.role);
    void reply.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    return result.member;
  }

  @Delete(':user_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RemoveProjectMemberRoute()
  async remove(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Param('user_id', ParseUserIdPipe) userId: number,
  ): Promise<void> {
    await this.members.remove(caller.id, id, userId);
  }
}
