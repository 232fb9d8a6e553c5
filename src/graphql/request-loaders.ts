import DataLoader from 'dataloader';
import { CommentsService } from '../comments/comments.service';
import type { ProjectResponseDto } from '../projects/http/dto/project-response.dto';
import { ProjectsService } from '../projects/projects.service';
import { UsersService } from '../users/users.service';

/** The services the loaders read through (each owns the table it reads). */
export interface LoaderServices {
  users: UsersService;
  projects: ProjectsService;
  comments: CommentsService;
}

/**
 * Batch loaders of one GraphQL request: every `Task.assignee` asked for while a page of tasks
 * resolves becomes one query for all of them, and so on. A new set per request, so nothing is
 * cached across callers (the project loader answers for this caller only).
 */
export class RequestLoaders {
  /** Usernames by user id; an id without a user loads null. */
  readonly username: DataLoader<number, string | null>;
  /** The caller's projects by id; one it is no member of loads null (as REST's 404). */
  readonly project: DataLoader<number, ProjectResponseDto | null>;
  /** Comments of tasks the caller was shown, counted by task id. */
  readonly commentCount: DataLoader<number, number>;

  /**
   * `cache: false` for a long-lived operation (a subscription): each event then reads what is
   * current, still batched within one tick.
   */
  constructor(services: LoaderServices, userId: number, { cache = true } = {}) {
    const options = { cache };
    this.username = new DataLoader(async (ids) => {
      const names = await services.users.usernamesByIds(ids);
      return ids.map((id) => names.get(id) ?? null);
    }, options);
    this.project = new DataLoader(async (ids) => {
      const projects = await services.projects.visibleByIds(userId, ids);
      return ids.map((id) => projects.get(id) ?? null);
    }, options);
    this.commentCount = new DataLoader(async (ids) => {
      const counts = await services.comments.countsOfVisibleTasks(ids);
      return ids.map((id) => counts.get(id) ?? 0);
    }, options);
  }
}
