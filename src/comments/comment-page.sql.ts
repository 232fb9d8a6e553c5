import type { SqlQuery } from '../common/database/sql';

/** The number of a task's comments: a range of idx_comments_task (task_id, id). */
export function buildTaskCommentCountQuery(taskId: number, alias = 'c'): SqlQuery {
  return {
    sql: `SELECT COUNT(*) AS total FROM comments ${alias} WHERE ${alias}.task_id = ?`,
    params: [taskId],
  };
}

/**
 * One page of a task's comments, oldest first (ids grow with creation), each row with the
 * task's comment count, in one round trip: the count is a scalar subquery over the same index
 * range in the statement's snapshot, so it agrees with the page (as the activity feeds do,
 * src/activity/feed.sql.ts). A page past the last has no row to carry it
 * (buildTaskCommentCountQuery then). Only the columns a response shows.
 */
export function buildTaskCommentPageQuery(taskId: number, offset: number, limit: number): SqlQuery {
  const count = buildTaskCommentCountQuery(taskId, 'n');
  return {
    sql:
      'SELECT c.id, c.task_id, c.author_id, c.body, c.mentions, c.created_at, c.edited_at, ' +
      `(${count.sql}) AS total FROM comments c WHERE c.task_id = ? ORDER BY c.id LIMIT ? OFFSET ?`,
    params: [...count.params, taskId, limit, offset],
  };
}
