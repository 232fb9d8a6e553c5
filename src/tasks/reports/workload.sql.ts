import { SqlQuery } from '../../common/database/sql';
import { statusCode, TASK_STATUSES } from '../domain/task.constants';
import { merge } from '../listing/filters.sql';
import { VisiblePart } from '../listing/visibility.sql';

const PENDING = statusCode('pending');
const IN_PROGRESS = statusCode('in_progress');
const COMPLETED = statusCode('completed');
const OPEN = TASK_STATUSES.filter((s) => s !== 'completed').map(statusCode);

/**
 * The visible live tasks per assignee (NULL: unassigned) by status, and how many are overdue
 * (due before `now` and not completed, as in the stats): rows of (assignee_id, pending,
 * in_progress, completed, overdue). One grouped scan per part; the parts are disjoint, so the
 * outer sums count every task once.
 */
export function buildWorkloadQuery(parts: readonly VisiblePart[], now: Date): SqlQuery | null {
  if (parts.length === 0) return null;
  const selects = parts.map((part): SqlQuery => {
    const where = merge(part.where, { conditions: ['t.deleted_at IS NULL'], params: [] });
    const from = part.indexes ? `tasks t FORCE INDEX (${part.indexes.join(', ')})` : 'tasks t';
    return {
      sql:
        `SELECT t.assignee_id, SUM(t.status = ${PENDING}) AS pending, ` +
        `SUM(t.status = ${IN_PROGRESS}) AS in_progress, SUM(t.status = ${COMPLETED}) AS completed, ` +
        `SUM(t.status IN (${OPEN.join(', ')}) AND t.due_date < ?) AS overdue ` +
        `FROM ${from} WHERE ${where.conditions.join(' AND ')} GROUP BY t.assignee_id`,
      params: [now, ...where.params],
    };
  });
  return {
    sql:
      'SELECT v.assignee_id, SUM(v.pending) AS pending, SUM(v.in_progress) AS in_progress, ' +
      'SUM(v.completed) AS completed, SUM(v.overdue) AS overdue ' +
      `FROM (${selects.map((s) => s.sql).join(' UNION ALL ')}) v GROUP BY v.assignee_id`,
    params: selects.flatMap((s) => s.params),
  };
}
