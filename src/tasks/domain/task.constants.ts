/**
 * Status and priority are stored as TINYINT codes in the order that sorting needs
 * (low < medium < high), and shown to clients by name.
 */
export const TASK_STATUSES = ['pending', 'in_progress', 'completed'] as const;
export const TASK_PRIORITIES = ['low', 'medium', 'high'] as const;

export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/** Codes 1..n; 0 is never written, so a zero in the table would mean a bug, not `pending`. */
export function statusCode(status: TaskStatus): number {
  return TASK_STATUSES.indexOf(status) + 1;
}

export function priorityCode(priority: TaskPriority): number {
  return TASK_PRIORITIES.indexOf(priority) + 1;
}

export function statusFromCode(code: number): TaskStatus {
  const status = TASK_STATUSES[code - 1];
  if (status === undefined) throw new Error(`Unknown task status code ${code}`);
  return status;
}

export function priorityFromCode(code: number): TaskPriority {
  const priority = TASK_PRIORITIES[code - 1];
  if (priority === undefined) throw new Error(`Unknown task priority code ${code}`);
  return priority;
}

export const TASK_TITLE_MAX = 200;
export const TASK_DESCRIPTION_MAX = 10_000;
export const TASK_SORTS = ['created_at', 'updated_at', 'due_date', 'priority', 'title'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];
export const TASK_SCOPES = ['all', 'owned', 'assigned'] as const;
export type TaskScope = (typeof TASK_SCOPES)[number];
export const MAX_SEARCH_LENGTH = 200;
/** At most this many ids in the `project_id` listing filter. */
export const MAX_PROJECT_FILTER = 100;
/** INT UNSIGNED, the type of every id column. */
export const MAX_ID = 4_294_967_295;
/** Public path of the collection: the global prefix (API_PREFIX in app.setup.ts) + `tasks`. */
export const TASKS_PATH = '/api/v1/tasks';
