import type { SqlQuery } from '../common/database/sql';
import type { NewActivityEntry } from './domain/activity-entry';

/**
 * The INSERT of one activity entry (visible in the feeds: task_deleted 0). Plain SQL: it runs
 * inside every task write's transaction, and TypeORM's insert builder cost more CPU than the
 * statement itself (bench/README.md, POST /tasks).
 */
export function buildEntryInsert(entry: NewActivityEntry): SqlQuery {
  return {
    sql:
      'INSERT INTO task_activity (task_id, project_id, actor_id, type, changes, task_deleted, created_at) ' +
      'VALUES (?, ?, ?, ?, ?, 0, ?)',
    params: [
      entry.taskId,
      entry.projectId,
      entry.actorId,
      entry.type,
      JSON.stringify(entry.changes),
      entry.createdAt,
    ],
  };
}
