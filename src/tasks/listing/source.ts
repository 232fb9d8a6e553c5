import type { TaskSort } from '../domain/task.constants';
import { allRowConditions, Conditions, merge } from './filters.sql';
import type { TaskListFilters } from './task-list-request';
import type { VisiblePart } from './visibility.sql';

export const SORT_COLUMNS: Readonly<Record<TaskSort, string>> = {
  created_at: 'created_at',
  updated_at: 'updated_at',
  due_date: 'due_date',
  priority: 'priority',
  title: 'title',
};

/**
 * Where one part's matching ids come from: `tasks t` (through the part's indexes), or for a
 * search over whole projects their task_search rows (`s`), joined to `tasks t` only when
 * another filter or the sort needs the row.
 */
export interface Source {
  from: string;
  where: Conditions;
  /** The id expression, and the sort column's. */
  id: string;
  sort: string;
}

export function tasksFrom(part: VisiblePart): string {
  return part.indexes ? `tasks t FORCE INDEX (${part.indexes.join(', ')})` : 'tasks t';
}

/** A part read from `tasks t` alone, every filter (search terms included) on the row. */
export function rowSourceOf(part: VisiblePart, filters: TaskListFilters, now: Date): Source {
  return {
    from: tasksFrom(part),
    where: merge(part.where, allRowConditions(filters, now)),
    id: 't.id',
    sort: `t.${SORT_COLUMNS[filters.sort]}`,
  };
}
