import {
  Args,
  Context,
  Int,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { CreateLabelDto } from '../../labels/http/dto/create-label.dto';
import { LabelsService } from '../../labels/labels.service';
import { CreateProjectDto } from '../../projects/http/dto/create-project.dto';
import { ListProjectsQuery } from '../../projects/http/dto/list-projects.query';
import { SetProjectMemberDto } from '../../projects/http/dto/set-project-member.dto';
import { UpdateProjectDto } from '../../projects/http/dto/update-project.dto';
import { ProjectMembersService } from '../../projects/project-members.service';
import type { ProjectRole } from '../../projects/project-role';
import { ProjectsService } from '../../projects/projects.service';
import { callerOf } from '../graphql-caller';
import type { GqlContext } from '../graphql-context';
import { OWN_READ_COST, pagedCost } from '../graphql-limits';
import { ProjectRoleEnum } from '../types/enums';
import { CreateLabelInput, CreateProjectInput, UpdateProjectInput } from '../types/inputs';
import {
  gqlLabel,
  gqlMember,
  gqlProject,
  Label,
  Project,
  ProjectMember,
  SetProjectMemberResult,
} from '../types/project.types';
import { assertId, validateAsRest } from '../validate-as-rest';

/** Members and labels a project is assumed to have, for the cost estimate (not paged). */
const MEMBERS_ESTIMATE = 20;
const LABELS_ESTIMATE = 20;

const ownRead = ({ childComplexity }: { childComplexity: number }): number =>
  OWN_READ_COST + childComplexity;

/**
 * Projects, their members and labels: the REST project, member and label routes through the
 * same services (ProjectsService, ProjectMembersService, LabelsService).
 */
@Resolver(() => Project)
export class ProjectResolver {
  constructor(
    private readonly projectsService: ProjectsService,
    private readonly membersService: ProjectMembersService,
    private readonly labelsService: LabelsService,
  ) {}

  @Query(() => [Project], {
    description: "The caller's projects, inbox first, then by name (REST GET /projects)",
    complexity: pagedCost(OWN_READ_COST, 'pageSize'),
  })
  async projects(
    @Context() context: GqlContext,
    @Args('archived', { type: () => Boolean, nullable: true }) archived: boolean | null,
    @Args('page', { type: () => Int, nullable: true }) page: number | null,
    @Args('pageSize', { type: () => Int, nullable: true }) pageSize: number | null,
  ): Promise<Project[]> {
    const userId = callerOf(context, 'projects:read');
    const query = await validateAsRest(
      ListProjectsQuery,
      {
        archived: archived == null ? undefined : String(archived),
        page: page ?? undefined,
        page_size: pageSize ?? undefined,
      },
      'query',
    );
    return (await this.projectsService.list(userId, query)).items.map(gqlProject);
  }

  @Query(() => Project, { description: 'A project the caller is a member of', complexity: ownRead })
  async project(
    @Context() context: GqlContext,
    @Args('id', { type: () => Int }) id: number,
  ): Promise<Project> {
    const userId = callerOf(context, 'projects:read');
    return gqlProject(await this.projectsService.get(userId, assertId(id, 'id')));
  }

  @Mutation(() => Project, { description: 'The caller becomes its owner', complexity: ownRead })
  async createProject(
    @Context() context: GqlContext,
    @Args('input', { type: () => CreateProjectInput }) input: CreateProjectInput,
  ): Promise<Project> {
    const userId = callerOf(context, 'projects:write');
    const dto = await validateAsRest(
      CreateProjectDto,
      { name: input.name, description: input.description ?? undefined },
      'body',
    );
    return gqlProject(await this.projectsService.create(userId, dto));
  }

  @Mutation(() => Project, {
    description: 'Name, description, archived (admins)',
    complexity: ownRead,
  })
  async updateProject(
    @Context() context: GqlContext,
    @Args('id', { type: () => Int }) id: number,
    @Args('input', { type: () => UpdateProjectInput }) input: UpdateProjectInput,
  ): Promise<Project> {
    const userId = callerOf(context, 'projects:write');
    const dto = await validateAsRest(
      UpdateProjectDto,
      { name: input.name, description: input.description, archived: input.archived },
      'body',
    );
    return gqlProject(await this.projectsService.update(userId, assertId(id, 'id'), dto));
  }

  @Mutation(() => SetProjectMemberResult, {
    description:
      'Adds a user or changes its role (admins); `owner` by the owner transfers ownership',
    complexity: ownRead,
  })
  async setProjectMember(
    @Context() context: GqlContext,
    @Args('projectId', { type: () => Int }) projectId: number,
    @Args('userId', { type: () => Int }) userId: number,
    @Args('role', { type: () => ProjectRoleEnum }) role: ProjectRole,
  ): Promise<SetProjectMemberResult> {
    const actorId = callerOf(context, 'projects:write');
    const dto = await validateAsRest(SetProjectMemberDto, { role }, 'body');
    const result = await this.membersService.set(
      actorId,
      assertId(projectId, 'projectId'),
      assertId(userId, 'userId'),
      dto.role,
    );
    return { created: result.created, member: gqlMember(result.member) };
  }

  @Mutation(() => Boolean, {
    description: 'Removes a member (admins), or lets the caller leave',
    complexity: OWN_READ_COST,
  })
  async removeProjectMember(
    @Context() context: GqlContext,
    @Args('projectId', { type: () => Int }) projectId: number,
    @Args('userId', { type: () => Int }) userId: number,
  ): Promise<boolean> {
    const actorId = callerOf(context, 'projects:write');
    await this.membersService.remove(
      actorId,
      assertId(projectId, 'projectId'),
      assertId(userId, 'userId'),
    );
    return true;
  }

  @Mutation(() => Label, { description: 'A label of the project (editors)', complexity: ownRead })
  async createLabel(
    @Context() context: GqlContext,
    @Args('projectId', { type: () => Int }) projectId: number,
    @Args('input', { type: () => CreateLabelInput }) input: CreateLabelInput,
  ): Promise<Label> {
    const userId = callerOf(context, 'projects:write');
    const dto = await validateAsRest(
      CreateLabelDto,
      { name: input.name, color: input.color ?? undefined },
      'body',
    );
    return gqlLabel(await this.labelsService.create(userId, assertId(projectId, 'projectId'), dto));
  }

  @ResolveField(() => [ProjectMember], {
    description: 'Highest role first, then by username',
    complexity: ({ childComplexity }) => OWN_READ_COST + childComplexity * MEMBERS_ESTIMATE,
  })
  async members(
    @Context() context: GqlContext,
    @Parent() project: Project,
  ): Promise<ProjectMember[]> {
    const userId = callerOf(context, 'projects:read');
    return (await this.membersService.list(userId, project.id)).map(gqlMember);
  }

  @ResolveField(() => [Label], {
    description: 'By name',
    complexity: ({ childComplexity }) => OWN_READ_COST + childComplexity * LABELS_ESTIMATE,
  })
  async labels(@Context() context: GqlContext, @Parent() project: Project): Promise<Label[]> {
    const userId = callerOf(context, 'projects:read');
    return (await this.labelsService.listOfProject(userId, project.id)).map(gqlLabel);
  }
}
