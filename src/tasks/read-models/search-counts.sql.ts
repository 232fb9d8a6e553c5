import { placeholders, SqlQuery } from '../../common/database/sql';
import { termConditions } from '../listing/filters.sql';
import { searchBucketSql, SEARCH_BUCKET_DAYS } from './search.sql';

/**
 * The statement behind a search's X-Total-Count over whole projects (TaskSearchCounts): in one
 * statement, so in one consistent snapshot, the versions of the projects' buckets, the matches
 * of the bucket runs asked for, and the count of the other parts of the listing (tasks
 * assigned to the caller elsewhere, read from `tasks`). A count read here is therefore exactly
 * the count at the bucket version read beside it.
 */

/** Consecutive buckets of one project (in its bucket rows' order) whose matches are counted. */
export interface BucketRun {
  projectId: number;
  /** First and last bucket number; null for all of the project's rows. */
  from: number | null;
  to: number | null;
}

/** What each result row is (`k`); `p`/`b` are its project and bucket, `n` its number. */
export const SEARCH_COUNT_ROW = {
  /** A bucket's version. */
  version: 1,
  /** A bucket's matches, one row per bucket with at least one. */
  matches: 2,
  /** The matches of the other parts (p, b null). */
  others: 3,
} as const;

export interface SearchCountRow {
  k: number | string;
  p: number | string | null;
  b: number | string | null;
  n: number | string | null;
}

/**
 * `others` is an arithmetic expression over scalar subqueries (listing.sql's
 * sourcesCountExpression); null when the listing has no other part.
 */
export function buildSearchCountQuery(
  projectIds: readonly number[],
  terms: readonly string[],
  runs: readonly BucketRun[],
  others: SqlQuery | null,
): SqlQuery {
  const branches: string[] = [
    `(SELECT ${SEARCH_COUNT_ROW.version} AS k, project_id AS p, bucket AS b, version AS n ` +
      `FROM task_search_buckets WHERE project_id IN (${placeholders(projectIds.length)}))`,
  ];
  const params: unknown[] = [...projectIds];
  const match = termConditions('s.doc', terms);
  const bucket = searchBucketSql('s.created_at');
  for (const run of runs) {
    // A run is one primary-key range (project_id, created_at): FROM_DAYS of a constant is a
    // constant, so the range optimizer bounds the read to the run's days.
    const conditions = ['s.project_id = ?'];
    params.push(run.projectId);
    if (run.from !== null && run.to !== null) {
      conditions.push('s.created_at >= FROM_DAYS(?)', 's.created_at < FROM_DAYS(?)');
      params.push(run.from * SEARCH_BUCKET_DAYS, (run.to + 1) * SEARCH_BUCKET_DAYS);
    }
    conditions.push(...match.conditions);
    params.push(...match.params);
    branches.push(
      `(SELECT ${SEARCH_COUNT_ROW.matches}, s.project_id, ${bucket}, COUNT(*) ` +
        `FROM task_search s WHERE ${conditions.join(' AND ')} GROUP BY s.project_id, ${bucket})`,
    );
  }
  if (others) {
    branches.push(`(SELECT ${SEARCH_COUNT_ROW.others}, NULL, NULL, ${others.sql})`);
    params.push(...others.params);
  }
  return { sql: branches.join(' UNION ALL '), params };
}
