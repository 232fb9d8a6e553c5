import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser } from '../../common/decorators/current-user.decorator';
import { pageLinkHeader, queryStringOf } from '../../common/http/pagination';
import { ParseIdPipe } from '../../common/http/parse-id.pipe';
import { ProjectsService } from '../projects.service';
import { CreateProjectDto } from './dto/create-project.dto';
import { ListProjectsQuery } from './dto/list-projects.query';
import { ProjectResponseDto } from './dto/project-response.dto';
import { UpdateProjectDto } from './dto/update-project.dto';
import {
  CreateProjectRoute,
  DeleteProjectRoute,
  GetProjectRoute,
  ListProjectsRoute,
  PROJECTS_TAG,
  UpdateProjectRoute,
} from './project-routes';

/** Public path of the collection: the global prefix (API_PREFIX in app.setup.ts) + `projects`. */
export const PROJECTS_PATH = '/api/v1/projects';

@ApiTags(PROJECTS_TAG)
@ApiBearerAuth()
@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @CreateProjectRoute()
  async create(
    @CurrentUser() caller: AuthUser,
    @Body() dto: CreateProjectDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProjectResponseDto> {
    const project = await this.projects.create(caller.id, dto);
    void reply.header('Location', `${PROJECTS_PATH}/${project.id}`);
    return project;
  }

  @Get()
  @ListProjectsRoute()
  async list(
    @CurrentUser() caller: AuthUser,
    @Query() query: ListProjectsQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProjectResponseDto[]> {
    const page = await this.projects.list(caller.id, query);
    void reply
      .header('X-Total-Count', String(page.total))
      .header('Link', pageLinkHeader(PROJECTS_PATH, queryStringOf(request.url), page));
    return page.items;
  }

  @Get(':id')
  @GetProjectRoute()
  get(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<ProjectResponseDto> {
    return this.projects.get(caller.id, id);
  }

  @Patch(':id')
  @UpdateProjectRoute()
  update(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateProjectDto,
  ): Promise<ProjectResponseDto> {
    return this.projects.update(caller.id, id, dto);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @DeleteProjectRoute()
  async delete(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<void> {
    await this.projects.delete(caller.id, id);
  }
}
