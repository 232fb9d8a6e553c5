import { parseRfc3339 } from '../../common/validators/is-rfc3339.validator';
import { DEFAULT_PAGE_SIZE } from '../../common/http/page.query';
import type { ProjectAccessService } from '../../projects/project-access.service';
import type { ListTasksQuery } from '../dto/list-tasks.query';
import { SortOrder, TaskPriority, TaskScope, TaskSort, TaskStatus } from '../domain/task.constants';

/**
 * Who is reading: the caller and the live projects it is a member of (sorted ids). A task is
 * visible when its project is one of them or the caller is its assignee (API.md "Who may do
 * what"); every read query is built from this.
 */
export interface Viewer {
  userId: number;
  projectIds: readonly number[];
}

/** The caller and its live projects, from its memberships (ProjectAccessService). */
export async function loadViewer(
  projects: Pick<ProjectAccessService, 'memberships'>,
  userId: number,
): Promise<Viewer> {
  const memberships = await projects.memberships(userId);
  return { userId, projectIds: memberships.map((m) => m.projectId) };
}

/** The listing filters, parsed and typed (the query DTO has already validated every value). */
export interface TaskListFilters {
  scope: TaskScope;
  statuses?: TaskStatus[];
  priorities?: TaskPriority[];
  /** A user id, or `none` for unassigned tasks. */
  assignee?: number | 'none';
  /** Only tasks of these projects (sorted ids). */
  projectIds?: number[];
  /** Search terms; each must occur in the title or the description. */
  terms: string[];
  /** Label names (case-insensitive, distinct); a task must carry every one. */
  labels?: string[];
  /**
   * For each of `labels`, in order, the labels of that name in the projects whose tasks the
   * caller may see (resolveLabelFilter fills it before any query is built): a task matches a
   * name when it carries one of them.
   */
  labelMatches?: LabelMatch[][];
  dueBefore?: Date;
  dueAfter?: Date;
  overdue?: boolean;
  sort: TaskSort;
  order: SortOrder;
}

/** A label that a name of the `label` filter found, and its project. */
export interface LabelMatch {
  id: number;
  projectId: number;
}

export interface TaskListRequest {
  filters: TaskListFilters;
  page: number;
  pageSize: number;
}

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** The first spelling of each name, compared case-insensitively (MariaDB decides at the end). */
function uniqueIgnoringCase(names: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const name of names) if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  return [...seen.values()];
}

/** Turns the validated query string into filters, applying every documented default. */
export function parseListQuery(
  query: Omit<ListTasksQuery, 'page' | 'page_size'> &
    Partial<Pick<ListTasksQuery, 'page' | 'page_size'>>,
): TaskListRequest {
  const date = (value: string | undefined): Date | undefined =>
    value === undefined ? undefined : parseRfc3339(value);
  const terms = unique((query.q ?? '').split(/\s+/).filter((t) => t.length > 0));
  return {
    filters: {
      scope: query.scope ?? 'all',
      statuses: query.status ? unique(query.status) : undefined,
      priorities: query.priority ? unique(query.priority) : undefined,
      assignee:
        query.assignee_id === undefined
          ? undefined
          : query.assignee_id === 'none'
            ? 'none'
            : Number(query.assignee_id),
      projectIds: query.project_id
        ? unique(query.project_id.map(Number)).sort((a, b) => a - b)
        : undefined,
      terms,
      labels: query.label ? uniqueIgnoringCase(query.label) : undefined,
      dueBefore: date(query.due_before),
      dueAfter: date(query.due_after),
      overdue: query.overdue === undefined ? undefined : query.overdue === 'true',
      sort: query.sort ?? 'created_at',
      order: query.order ?? 'desc',
    },
    page: query.page ?? 1,
    pageSize: query.page_size ?? DEFAULT_PAGE_SIZE,
  };
}
