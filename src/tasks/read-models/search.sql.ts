import type { SqlQuery } from '../../common/database/sql';
import type { TaskResponseDto } from '../dto/task-response.dto';
import { searchDocSql } from '../listing/filters.sql';

/**
 * task_search (CreateProjects migration) holds one row per live task: its project, creation
 * time and searchable text (`doc`, lower-cased once on write). Its primary key (project_id,
 * created_at, task_id) clusters a project's rows in listing order, so a search reads only the
 * caller's projects' rows, sequentially, instead of a secondary index plus a random primary-key
 * lookup into `tasks` per visible task. One row per task, whatever the number of members.
 */

/** The task fields task_search depends on. */
export type SearchedTask = Pick<
  TaskResponseDto,
  'id' | 'project_id' | 'title' | 'description' | 'created_at'
>;

/**
 * The statement of one write, from the task before and after it (null = no live task on that
 * side); null when task_search does not change (a status, priority, assignee or due date edit).
 * A move to another project rewrites the row's key in place (InnoDB moves it).
 */
export function buildSearchWrite(
  before: SearchedTask | null,
  after: SearchedTask | null,
): SqlQuery | null {
  if (after && !before) {
    return {
      sql: `INSERT INTO task_search (project_id, created_at, task_id, doc) VALUES (?, ?, ?, ${searchDocSql('?', '?')})`,
      params: [
        after.project_id,
        new Date(after.created_at),
        after.id,
        after.title,
        after.description,
      ],
    };
  }
  if (before && !after) {
    return { sql: 'DELETE FROM task_search WHERE task_id = ?', params: [before.id] };
  }
  if (!before || !after) return null;
  const sets: string[] = [];
  const params: unknown[] = [];
  if (before.project_id !== after.project_id) {
    sets.push('project_id = ?');
    params.push(after.project_id);
  }
  if (before.title !== after.title || before.description !== after.description) {
    sets.push(`doc = ${searchDocSql('?', '?')}`);
    params.push(after.title, after.description);
  }
  if (sets.length === 0) return null;
  return {
    sql: `UPDATE task_search SET ${sets.join(', ')} WHERE task_id = ?`,
    params: [...params, after.id],
  };
}

/** Removes every row of a deleted project (its tasks were soft-deleted in the same transaction). */
export function buildProjectSearchDelete(projectId: number): SqlQuery {
  return { sql: 'DELETE FROM task_search WHERE project_id = ?', params: [projectId] };
}

/**
 * Set-based rebuild of the rows of the projects with ids in [fromId, toId], for bulk loads that
 * bypass the service (the seed script, tests inserting rows by SQL), sorted in primary-key order
 * so the rows are appended to the clustered index. Run it while nothing else writes those
 * projects' tasks.
 */
export function buildSearchRebuild(fromId: number, toId: number): SqlQuery[] {
  return [
    { sql: 'DELETE FROM task_search WHERE project_id BETWEEN ? AND ?', params: [fromId, toId] },
    {
      sql:
        'INSERT INTO task_search (project_id, created_at, task_id, doc) ' +
        `SELECT t.project_id, t.created_at, t.id, ${searchDocSql('t.title', 't.description')} ` +
        'FROM tasks t WHERE t.project_id BETWEEN ? AND ? AND t.deleted_at IS NULL ' +
        'ORDER BY t.project_id, t.created_at, t.id',
      params: [fromId, toId],
    },
  ];
}
