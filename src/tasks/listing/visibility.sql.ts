import { placeholders } from '../../common/database/sql';
import type { TaskListFilters, Viewer } from './task-list-request';
import { Conditions, merge } from './filters.sql';

/**
 * Indexes (CreateTasks, CreateProjects migrations) a part may read. Forcing the choice among
 * them rules out a full table scan, which the optimizer otherwise picks when a filter (a LIKE
 * search, `assignee_id IS NULL`) needs row reads anyway; within the set it still chooses the
 * index that fits the sort and filters.
 */
export const PROJECT_INDEXES = [
  'idx_tasks_project_created',
  'idx_tasks_project_updated',
  'idx_tasks_project_due',
  'idx_tasks_project_priority',
  'idx_tasks_project_title',
  'idx_tasks_project_status',
];
export const ASSIGNEE_INDEXES = ['idx_tasks_assignee_created', 'idx_tasks_assignee_status'];
/** What the caller created (scope=owned), in creation order. */
export const OWNER_INDEXES = ['idx_tasks_owner_created'];

/**
 * Up to this many projects, each gets its own part, read in index order and merged; past it the
 * projects are read as one IN list (sorted afterwards), which costs more per page but keeps the
 * statement's size bounded for a user in hundreds of projects.
 */
export const MAX_PROJECT_PARTS = 16;

/** One disjoint part of "what the caller may see and the scope selects". */
export interface VisiblePart {
  /** Conditions on `tasks t`. */
  where: Conditions;
  /** Set when the part is "the tasks of these projects": task_search can serve it. */
  projectIds?: readonly number[];
  /** The indexes the part may use; none: the optimizer chooses. */
  indexes?: readonly string[];
}

const inList = (column: string, ids: readonly number[]): Conditions => ({
  conditions: [`${column} IN (${placeholders(ids.length)})`],
  params: [...ids],
});

/**
 * The caller's visible tasks selected by the scope, the project filter and the assignee filter,
 * as disjoint parts (API.md "Who may do what": a member sees its projects' tasks, an assignee
 * its assigned tasks). A part per project is one index range in sort order; an OR across
 * projects or columns would defeat ordered index reads. Parts that cannot match anything are
 * left out, so an empty list means nothing matches.
 */
export function visibleParts(viewer: Viewer, filters: TaskListFilters): VisiblePart[] {
  const me = viewer.userId;
  const only = filters.projectIds && new Set(filters.projectIds);
  const projects = only ? viewer.projectIds.filter((id) => only.has(id)) : [...viewer.projectIds];
  const inFilter = (c: Conditions): Conditions =>
    filters.projectIds ? merge(c, inList('t.project_id', filters.projectIds)) : c;
  const { assignee } = filters;

  if (filters.scope === 'assigned') {
    // Every task assigned to the caller is visible to it.
    if (assignee !== undefined && assignee !== me) return [];
    return [
      {
        where: inFilter({ conditions: ['t.assignee_id = ?'], params: [me] }),
        indexes: ASSIGNEE_INDEXES,
      },
    ];
  }

  if (filters.scope === 'owned') {
    const visible =
      viewer.projectIds.length > 0
        ? {
            conditions: [
              `(t.project_id IN (${placeholders(viewer.projectIds.length)}) OR t.assignee_id = ?)`,
            ],
            params: [...viewer.projectIds, me],
          }
        : { conditions: ['t.assignee_id = ?'], params: [me] };
    return [
      {
        where: inFilter(merge({ conditions: ['t.user_id = ?'], params: [me] }, visible)),
        // Without it the optimizer scans the table for a user creating ~10% of it (measured:
        // 453 ms for the heavy user's count on 1M tasks; docs/explain-tasks.md).
        indexes: OWNER_INDEXES,
      },
    ];
  }

  if (typeof assignee === 'number') {
    // One user's tasks: the assignee index, whatever the number of projects.
    if (assignee === me) {
      return [
        {
          where: inFilter({ conditions: ['t.assignee_id = ?'], params: [me] }),
          indexes: ASSIGNEE_INDEXES,
        },
      ];
    }
    if (projects.length === 0) return [];
    return [
      {
        where: merge(
          { conditions: ['t.assignee_id = ?'], params: [assignee] },
          inList('t.project_id', projects),
        ),
        indexes: ASSIGNEE_INDEXES,
      },
    ];
  }

  const parts: VisiblePart[] =
    projects.length <= MAX_PROJECT_PARTS
      ? projects.map((id) => ({
          where: { conditions: ['t.project_id = ?'], params: [id] },
          projectIds: [id],
          indexes: PROJECT_INDEXES,
        }))
      : [
          {
            where: inList('t.project_id', projects),
            projectIds: projects,
            indexes: PROJECT_INDEXES,
          },
        ];
  // Tasks assigned to the caller in projects it is not a member of (never unassigned ones).
  const member = new Set(viewer.projectIds);
  const elsewhereMayMatch = !filters.projectIds || filters.projectIds.some((id) => !member.has(id));
  if (assignee === undefined && elsewhereMayMatch) {
    const elsewhere: Conditions = { conditions: ['t.assignee_id = ?'], params: [me] };
    parts.push({
      where: inFilter(
        viewer.projectIds.length > 0
          ? merge(elsewhere, {
              conditions: [`t.project_id NOT IN (${placeholders(viewer.projectIds.length)})`],
              params: [...viewer.projectIds],
            })
          : elsewhere,
      ),
      indexes: ASSIGNEE_INDEXES,
    });
  }
  return parts;
}
