import type { SqlQuery } from '../../common/database/sql';
import type { TaskResponseDto } from '../dto/task-response.dto';
import { searchDocSql } from '../listing/filters.sql';

/**
 * task_search (CreateProjects migration) holds one row per live task: its project, creation
 * time and searchable text (`doc`, lower-cased once on write). Its primary key (project_id,
 * created_at, task_id) clusters a project's rows in listing order, so a search reads only the
 * caller's projects' rows, sequentially, instead of a secondary index plus a random primary-key
 * lookup into `tasks` per visible task. One row per task, whatever the number of members.
 *
 * task_search_buckets (CreateTaskSearchBuckets migration) versions those rows by (project,
 * bucket): a bucket is SEARCH_BUCKET_DAYS days of creation time, and its version grows in the
 * transaction of every write that changes one of its rows. A search's count is the sum of its
 * buckets' counts, and a count cached under a bucket's version stays exact until that version
 * moves (TaskSearchCounts), so a write recounts one bucket, not the project.
 */

/** Days of creation time per bucket: a power of two, so the bucket is `TO_DAYS(…) DIV 32`. */
export const SEARCH_BUCKET_DAYS = 32;

/** The bucket of a DATETIME expression (a column or `?`), in SQL so no time zone is involved. */
export function searchBucketSql(createdAt: string): string {
  return `TO_DAYS(${createdAt}) DIV ${SEARCH_BUCKET_DAYS}`;
}

/** The task fields task_search depends on. */
export type SearchedTask = Pick<
  TaskResponseDto,
  'id' | 'project_id' | 'title' | 'description' | 'created_at'
>;

/** The task_search statement of one write, without its bucket bump (see buildSearchWrites). */
function rowWrite(before: SearchedTask | null, after: SearchedTask | null): SqlQuery | null {
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

/**
 * Grows the versions of the projects' buckets holding `createdAt` (creating them at 1). The
 * rows are written in project order, so two moves between the same projects lock them in the
 * same order; they stay locked until commit, so writes of one bucket queue up here.
 */
export function buildBucketBump(projectIds: readonly number[], createdAt: string): SqlQuery {
  const ids = [...new Set(projectIds)].sort((a, b) => a - b);
  return {
    sql:
      'INSERT INTO task_search_buckets (project_id, bucket, version) VALUES ' +
      ids.map(() => `(?, ${searchBucketSql('?')}, 1)`).join(', ') +
      ' ON DUPLICATE KEY UPDATE version = version + 1',
    params: ids.flatMap((id) => [id, new Date(createdAt)]),
  };
}

/**
 * The statements of one write, from the task before and after it (null = no live task on that
 * side): the task_search row, then the version of every bucket it leaves or enters. None when
 * task_search does not change (a status, priority, assignee or due date edit). A move to
 * another project rewrites the row's key in place (InnoDB moves it); creation time never
 * changes, so a move keeps the bucket number, in another project.
 */
export function buildSearchWrites(
  before: SearchedTask | null,
  after: SearchedTask | null,
): SqlQuery[] {
  const row = rowWrite(before, after);
  if (!row) return [];
  const task = (after ?? before)!;
  const projects = [before?.project_id, after?.project_id].filter(
    (id): id is number => id !== undefined,
  );
  return [row, buildBucketBump(projects, task.created_at)];
}

/**
 * Removes every row of a deleted project (its tasks were soft-deleted in the same
 * transaction), and its buckets: no listing reads a deleted project again.
 */
export function buildProjectSearchDelete(projectId: number): SqlQuery[] {
  return [
    { sql: 'DELETE FROM task_search WHERE project_id = ?', params: [projectId] },
    { sql: 'DELETE FROM task_search_buckets WHERE project_id = ?', params: [projectId] },
  ];
}

/**
 * After rows of the projects with ids in [fromId, toId] changed outside the service (a rebuild,
 * a hard delete by SQL): grows every existing bucket's version, so no count cached before
 * counts again, and adds the buckets of rows that have none (at version 1).
 */
export function buildBucketsRefresh(fromId: number, toId: number): SqlQuery[] {
  return [
    {
      sql: 'UPDATE task_search_buckets SET version = version + 1 WHERE project_id BETWEEN ? AND ?',
      params: [fromId, toId],
    },
    {
      sql:
        'INSERT IGNORE INTO task_search_buckets (project_id, bucket, version) ' +
        `SELECT s.project_id, ${searchBucketSql('s.created_at')}, 1 FROM task_search s ` +
        'WHERE s.project_id BETWEEN ? AND ? GROUP BY 1, 2',
      params: [fromId, toId],
    },
  ];
}

/**
 * Set-based rebuild of the rows of the projects with ids in [fromId, toId], for bulk loads that
 * bypass the service (the seed script, tests inserting rows by SQL), sorted in primary-key order
 * so the rows are appended to the clustered index; then their buckets (buildBucketsRefresh).
 * Run it while nothing else writes those projects' tasks.
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
    ...buildBucketsRefresh(fromId, toId),
  ];
}
