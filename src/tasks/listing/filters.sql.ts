import { placeholders, SqlQuery } from '../../common/database/sql';
import type { TaskListFilters } from './task-list-request';
import { priorityCode, statusCode, TASK_STATUSES } from '../domain/task.constants';

/** Conditions joined by AND, and their parameters: a piece of a WHERE clause. */
export interface Conditions {
  conditions: string[];
  params: unknown[];
}

/**
 * The searchable text of a task, as SQL over two string expressions (columns or `?`): title and
 * description lower-cased by MariaDB, then compared as bytes. The search terms go through the
 * same LOWER (`SEARCH_TERM_PATTERN`), so both sides fold case identically, and a byte comparison
 * skips the collation's per-character weights. A term cannot span the `\n` separator: terms are
 * split on whitespace.
 */
export function searchDocSql(title: string, description: string): string {
  return `CAST(LOWER(CONCAT(${title}, '\\n', ${description})) AS BINARY)`;
}

/**
 * `LIKE` pattern of one term, bound to one `?` holding `escapeLikeTerm(term)`: a lower-cased
 * byte substring, with `%`, `_` and `!` literal. UTF-8 never matches a byte sequence inside
 * another character, so a byte substring is a character substring (Chinese included).
 */
export const SEARCH_TERM_PATTERN = "CAST(CONCAT('%', LOWER(?), '%') AS BINARY) ESCAPE '!'";

/** `%`, `_` and the escape character itself match literally (`LIKE ? ESCAPE '!'`). */
export function escapeLikeTerm(term: string): string {
  return term.replace(/[!%_]/g, (c) => `!${c}`);
}

/** Each search term must occur in `doc` (an expression: a task_search column or searchDocSql). */
export function termConditions(doc: string, terms: readonly string[]): Conditions {
  return {
    conditions: terms.map(() => `${doc} LIKE ${SEARCH_TERM_PATTERN}`),
    params: terms.map(escapeLikeTerm),
  };
}

/**
 * The conditions on `tasks t` of every filter but visibility, the assignee and the search
 * terms: live rows, status, priority, due dates. `now` decides `overdue`.
 */
export function rowConditions(filters: TaskListFilters, now: Date): Conditions {
  const conditions = ['t.deleted_at IS NULL'];
  const params: unknown[] = [];
  if (filters.statuses?.length) {
    conditions.push(`t.status IN (${placeholders(filters.statuses.length)})`);
    params.push(...filters.statuses.map(statusCode));
  }
  if (filters.priorities?.length) {
    conditions.push(`t.priority IN (${placeholders(filters.priorities.length)})`);
    params.push(...filters.priorities.map(priorityCode));
  }
  if (filters.dueBefore) {
    conditions.push('t.due_date < ?');
    params.push(filters.dueBefore);
  }
  if (filters.dueAfter) {
    conditions.push('t.due_date > ?');
    params.push(filters.dueAfter);
  }
  if (filters.overdue === true) {
    // `status IN (open statuses)` rather than `<> completed`: a range the *_status index serves.
    const open = TASK_STATUSES.filter((s) => s !== 'completed').map(statusCode);
    conditions.push('t.due_date < ?', `t.status IN (${open.join(', ')})`);
    params.push(now);
  } else if (filters.overdue === false) {
    conditions.push(
      `(t.due_date IS NULL OR t.due_date >= ? OR t.status = ${statusCode('completed')})`,
    );
    params.push(now);
  }
  return { conditions, params };
}

/** The assignee filter on `tasks t`. */
export function assigneeConditions(filters: TaskListFilters): Conditions {
  if (filters.assignee === undefined) return { conditions: [], params: [] };
  if (filters.assignee === 'none') return { conditions: ['t.assignee_id IS NULL'], params: [] };
  return { conditions: ['t.assignee_id = ?'], params: [filters.assignee] };
}

/** Every filter on `tasks t` but visibility, search terms included (matched on the row). */
export function allRowConditions(filters: TaskListFilters, now: Date): Conditions {
  return merge(
    rowConditions(filters, now),
    assigneeConditions(filters),
    termConditions(searchDocSql('t.title', 't.description'), filters.terms),
  );
}

export function merge(...parts: Conditions[]): Conditions {
  return {
    conditions: parts.flatMap((p) => p.conditions),
    params: parts.flatMap((p) => p.params),
  };
}

/** `WHERE` clause text of conditions (at least one). */
export function where(c: Conditions): SqlQuery {
  return { sql: c.conditions.join(' AND '), params: c.params };
}
