import type { SqlQuery } from '../common/database/sql';

/** Which entries a feed holds, and in which order (both served by one index). */
export interface Feed {
  /** The conditions on the task_activity row aliased `alias`, with their parameters. */
  where: (alias: string) => SqlQuery;
  order: 'ASC' | 'DESC';
}

/** A task's entries, oldest first (idx_task_activity_task). */
export const taskFeed = (taskId: number): Feed => ({
  where: (a) => ({ sql: `${a}.task_id = ?`, params: [taskId] }),
  order: 'ASC',
});

/** The entries of a project's live tasks, newest first (idx_task_activity_project). */
export const projectFeed = (projectId: number): Feed => ({
  where: (a) => ({ sql: `${a}.project_id = ? AND ${a}.task_deleted = 0`, params: [projectId] }),
  order: 'DESC',
});

/** The number of the feed's entries: a range of its index. */
export function buildFeedCountQuery(feed: Feed, alias = 'a'): SqlQuery {
  const where = feed.where(alias);
  return {
    sql: `SELECT COUNT(*) AS total FROM task_activity ${alias} WHERE ${where.sql}`,
    params: where.params,
  };
}

/**
 * One page of the feed, each row with the feed's count, in one round trip: the count is a
 * scalar subquery over the same index range in the statement's snapshot, so it agrees with the
 * page. A page past the last has no row to carry it (buildFeedCountQuery then). The columns
 * take TaskActivity's property names.
 */
export function buildFeedPageQuery(feed: Feed, offset: number, limit: number): SqlQuery {
  const count = buildFeedCountQuery(feed, 'c');
  const where = feed.where('a');
  return {
    sql:
      'SELECT a.id, a.task_id AS taskId, a.project_id AS projectId, a.actor_id AS actorId, ' +
      'a.type, a.changes, a.task_deleted AS taskDeleted, a.created_at AS createdAt, ' +
      `(${count.sql}) AS total FROM task_activity a WHERE ${where.sql} ` +
      `ORDER BY a.id ${feed.order} LIMIT ? OFFSET ?`,
    params: [...count.params, ...where.params, limit, offset],
  };
}
