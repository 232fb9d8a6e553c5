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
import { ActivityService } from '../../activity/activity.service';
import { AttachmentsService } from '../../attachments/attachments.service';
import { CommentsService } from '../../comments/comments.service';
import { ListCommentsQuery } from '../../comments/dto/list-comments.query';
import { DEFAULT_PAGE_SIZE, PageQuery } from '../../common/http/page.query';
import { CreateTaskDto } from '../../tasks/dto/create-task.dto';
import { ListTasksQuery } from '../../tasks/dto/list-tasks.query';
import type { TaskResponseDto } from '../../tasks/dto/task-response.dto';
import { UpdateTaskDto } from '../../tasks/dto/update-task.dto';
import type { SortOrder, TaskSort } from '../../tasks/domain/task.constants';
import { TasksService } from '../../tasks/tasks.service';
import { callerOf, loadersOf } from '../graphql-caller';
import type { GqlContext } from '../graphql-context';
import { OWN_READ_COST, pagedCost } from '../graphql-limits';
import { SortOrderEnum, TaskSortEnum } from '../types/enums';
import { CreateTaskInput, TaskFilter, UpdateTaskInput } from '../types/inputs';
import { gqlProject, Project } from '../types/project.types';
import {
  ActivityEntry,
  Attachment,
  Comment,
  gqlActivityEntry,
  gqlAttachment,
  gqlComment,
} from '../types/task-parts.types';
import { gqlTask, Task, TaskPage } from '../types/task.types';
import { gqlUserSummary, User } from '../types/user.types';
import { assertId, validateAsRest } from '../validate-as-rest';

/** Most attachments a task is assumed to have, for the cost estimate (they are not paged). */
const ATTACHMENTS_ESTIMATE = 10;

/** A page of a task's comments or activity: the same `page`/`page_size` rules as REST. */
async function pageQuery<T extends PageQuery>(
  metatype: new () => T,
  page: number | undefined,
  pageSize: number | undefined,
): Promise<T> {
  return validateAsRest(metatype, { page, page_size: pageSize }, 'query');
}

/**
 * Tasks: the queries and mutations of the REST task routes, through TasksService (the same
 * rules, validation and events), and the fields that hang on a task. Project, assignee, creator
 * and comment counts are batched per request (RequestLoaders); comments, attachments and
 * activity are read per task, so they cost more in the operation's estimate.
 */
@Resolver(() => Task)
export class TaskResolver {
  constructor(
    private readonly tasksService: TasksService,
    private readonly commentsService: CommentsService,
    private readonly attachmentsService: AttachmentsService,
    private readonly activityService: ActivityService,
  ) {}

  @Query(() => Task, {
    description: 'One task the caller can see (REST GET /tasks/{id}); NOT_FOUND otherwise',
    complexity: ({ childComplexity }) => OWN_READ_COST + childComplexity,
  })
  async task(
    @Context() context: GqlContext,
    @Args('id', { type: () => Int }) id: number,
  ): Promise<Task> {
    const userId = callerOf(context, 'tasks:read');
    const read = await this.tasksService.get(userId, assertId(id, 'id'));
    return gqlTask(read.task, read.etag);
  }

  @Query(() => TaskPage, {
    description:
      'The tasks the caller can see, filtered, sorted and paged exactly as REST GET /tasks ' +
      '(`totalCount` is its X-Total-Count)',
    complexity: pagedCost(OWN_READ_COST, 'pageSize'),
  })
  async tasks(
    @Context() context: GqlContext,
    @Args('filter', { type: () => TaskFilter, nullable: true }) filter: TaskFilter | null,
    @Args('sort', { type: () => TaskSortEnum, nullable: true }) sort: TaskSort | null,
    @Args('order', { type: () => SortOrderEnum, nullable: true }) order: SortOrder | null,
    @Args('page', { type: () => Int, nullable: true }) page: number | null,
    @Args('pageSize', { type: () => Int, nullable: true }) pageSize: number | null,
  ): Promise<TaskPage> {
    const userId = callerOf(context, 'tasks:read');
    const f = filter ?? {};
    const query = await validateAsRest(
      ListTasksQuery,
      {
        status: f.status ?? undefined,
        priority: f.priority ?? undefined,
        assignee_id: f.assigneeId ?? undefined,
        project_id: f.projectId?.map(String),
        label: f.label ?? undefined,
        q: f.q ?? undefined,
        due_before: f.dueBefore ?? undefined,
        due_after: f.dueAfter ?? undefined,
        overdue: f.overdue == null ? undefined : String(f.overdue),
        scope: f.scope ?? undefined,
        sort: sort ?? undefined,
        order: order ?? undefined,
        page: page ?? undefined,
        page_size: pageSize ?? undefined,
      },
      'query',
    );
    const result = await this.tasksService.list(userId, query);
    return {
      nodes: result.items.map((task) => gqlTask(task)),
      totalCount: result.total,
      page: result.page,
      pageSize: result.pageSize,
    };
  }

  @Mutation(() => Task, {
    description: "REST POST /tasks: editors of the project (default: the caller's inbox)",
    complexity: ({ childComplexity }) => OWN_READ_COST + childComplexity,
  })
  async createTask(
    @Context() context: GqlContext,
    @Args('input', { type: () => CreateTaskInput }) input: CreateTaskInput,
  ): Promise<Task> {
    const userId = callerOf(context, 'tasks:write');
    const dto = await validateAsRest(
      CreateTaskDto,
      {
        title: input.title,
        description: input.description ?? undefined,
        priority: input.priority ?? undefined,
        status: input.status ?? undefined,
        due_date: input.dueDate,
        assignee_id: input.assigneeId,
        project_id: input.projectId ?? undefined,
        label_ids: input.labelIds ?? undefined,
      },
      'body',
    );
    const created = await this.tasksService.create(userId, dto);
    return gqlTask(created.body as TaskResponseDto, created.headers.ETag ?? null);
  }

  @Mutation(() => Task, {
    description:
      'REST PATCH /tasks/{id}: only the fields given change; `ifMatch` (an etag) makes a stale ' +
      'write PRECONDITION_FAILED',
    complexity: ({ childComplexity }) => OWN_READ_COST + childComplexity,
  })
  async updateTask(
    @Context() context: GqlContext,
    @Args('id', { type: () => Int }) id: number,
    @Args('input', { type: () => UpdateTaskInput }) input: UpdateTaskInput,
    @Args('ifMatch', { type: () => String, nullable: true }) ifMatch: string | null,
  ): Promise<Task> {
    const userId = callerOf(context, 'tasks:write');
    // Absent fields stay absent and explicit nulls stay null: REST tells the two apart too.
    const dto = await validateAsRest(
      UpdateTaskDto,
      {
        title: input.title,
        description: input.description,
        priority: input.priority,
        status: input.status,
        due_date: input.dueDate,
        assignee_id: input.assigneeId,
        project_id: input.projectId,
        label_ids: input.labelIds,
      },
      'body',
    );
    const updated = await this.tasksService.update(
      userId,
      assertId(id, 'id'),
      dto,
      ifMatch ?? undefined,
    );
    return gqlTask(updated.task, updated.etag);
  }

  @Mutation(() => Boolean, {
    description: 'REST DELETE /tasks/{id} (soft delete; editors of the project)',
    complexity: OWN_READ_COST,
  })
  async deleteTask(
    @Context() context: GqlContext,
    @Args('id', { type: () => Int }) id: number,
    @Args('ifMatch', { type: () => String, nullable: true }) ifMatch: string | null,
  ): Promise<boolean> {
    const userId = callerOf(context, 'tasks:write');
    await this.tasksService.delete(userId, assertId(id, 'id'), ifMatch ?? undefined);
    return true;
  }

  @ResolveField(() => Project, {
    nullable: true,
    description: 'Null when the caller is no member of it (it sees the task as its assignee)',
  })
  async project(@Context() context: GqlContext, @Parent() task: Task): Promise<Project | null> {
    const project = await loadersOf(context, 'projects:read').project.load(task.projectId);
    return project && gqlProject(project);
  }

  @ResolveField(() => User, { nullable: true })
  assignee(@Context() context: GqlContext, @Parent() task: Task): Promise<User | null> | null {
    return task.assigneeId === null ? null : this.user(context, task.assigneeId);
  }

  @ResolveField(() => User, { nullable: true, description: 'Who created it (REST `user_id`)' })
  creator(@Context() context: GqlContext, @Parent() task: Task): Promise<User | null> {
    return this.user(context, task.userId);
  }

  @ResolveField(() => Int, { description: 'How many comments the task has' })
  commentCount(@Context() context: GqlContext, @Parent() task: Task): Promise<number> {
    return loadersOf(context, 'tasks:read').commentCount.load(task.id);
  }

  @ResolveField(() => [Comment], {
    description: 'Oldest first, paged as REST GET /tasks/{id}/comments',
    complexity: pagedCost(OWN_READ_COST, 'pageSize', DEFAULT_PAGE_SIZE),
  })
  async comments(
    @Context() context: GqlContext,
    @Parent() task: Task,
    @Args('page', { type: () => Int, nullable: true }) page: number | null,
    @Args('pageSize', { type: () => Int, nullable: true }) pageSize: number | null,
  ): Promise<Comment[]> {
    const userId = callerOf(context, 'tasks:read');
    const query = await pageQuery(ListCommentsQuery, page ?? undefined, pageSize ?? undefined);
    const result = await this.commentsService.list(userId, task.id, query);
    return result.items.map(gqlComment);
  }

  @ResolveField(() => [Attachment], {
    complexity: ({ childComplexity }) => OWN_READ_COST + childComplexity * ATTACHMENTS_ESTIMATE,
  })
  async attachments(@Context() context: GqlContext, @Parent() task: Task): Promise<Attachment[]> {
    const userId = callerOf(context, 'tasks:read');
    return (await this.attachmentsService.list(userId, task.id)).map(gqlAttachment);
  }

  @ResolveField(() => [ActivityEntry], {
    description: 'Oldest first, paged as REST GET /tasks/{id}/activity',
    complexity: pagedCost(OWN_READ_COST, 'pageSize', DEFAULT_PAGE_SIZE),
  })
  async activity(
    @Context() context: GqlContext,
    @Parent() task: Task,
    @Args('page', { type: () => Int, nullable: true }) page: number | null,
    @Args('pageSize', { type: () => Int, nullable: true }) pageSize: number | null,
  ): Promise<ActivityEntry[]> {
    const userId = callerOf(context, 'tasks:read');
    const query = await pageQuery(PageQuery, page ?? undefined, pageSize ?? undefined);
    const result = await this.activityService.listForTask(userId, task.id, query);
    return result.items.map(gqlActivityEntry);
  }

  private async user(context: GqlContext, id: number): Promise<User | null> {
    const username = await loadersOf(context, 'tasks:read').username.load(id);
    return username === null ? null : gqlUserSummary({ id, username });
  }
}
