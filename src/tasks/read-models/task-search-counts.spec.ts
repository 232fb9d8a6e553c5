import type { ReadReplicas } from '../../read-replicas/read-replicas.service';
import type { SearchCountPlan } from '../listing/listing.sql';
import { buildSearchCountQuery, SEARCH_COUNT_ROW, SearchCountRow } from './search-counts.sql';
import { Bucket, runsOf, TaskSearchCounts } from './task-search-counts';

const TERM = "LIKE CAST(CONCAT('%', LOWER(?), '%') AS BINARY) ESCAPE '!'";
const VERSIONS =
  '(SELECT 1 AS k, project_id AS p, bucket AS b, version AS n FROM task_search_buckets WHERE project_id IN';
const BUCKET = 'TO_DAYS(s.created_at) DIV 32';

describe(buildSearchCountQuery.name, () => {
  it('should read versions, counted runs and the other parts in one statement', () => {
    const others = { sql: '(SELECT COUNT(*) FROM tasks t WHERE t.assignee_id = ?)', params: [7] };
    expect(
      buildSearchCountQuery(
        [3, 5],
        ['项目', '100%'],
        [
          { projectId: 3, from: null, to: null },
          { projectId: 5, from: 700, to: 701 },
        ],
        others,
      ),
    ).toEqual({
      sql:
        `${VERSIONS} (?, ?))` +
        ` UNION ALL (SELECT 2, s.project_id, ${BUCKET}, COUNT(*) FROM task_search s` +
        ` WHERE s.project_id = ? AND s.doc ${TERM} AND s.doc ${TERM} GROUP BY s.project_id, ${BUCKET})` +
        ` UNION ALL (SELECT 2, s.project_id, ${BUCKET}, COUNT(*) FROM task_search s` +
        ` WHERE s.project_id = ? AND s.created_at >= FROM_DAYS(?) AND s.created_at < FROM_DAYS(?)` +
        ` AND s.doc ${TERM} AND s.doc ${TERM} GROUP BY s.project_id, ${BUCKET})` +
        ` UNION ALL (SELECT 3, NULL, NULL, ${others.sql})`,
      params: [3, 5, 3, '项目', '100!%', 5, 700 * 32, 702 * 32, '项目', '100!%', 7],
    });
  });

  it('should read the versions alone when nothing is counted and no other part exists', () => {
    expect(buildSearchCountQuery([3], ['x'], [], null)).toEqual({
      sql: `${VERSIONS} (?))`,
      params: [3],
    });
  });
});

describe(runsOf.name, () => {
  const b = (projectId: number, bucket: number): Bucket => ({ projectId, bucket, version: 1 });

  it('should merge consecutive stale buckets of a project and read a wholly stale project whole', () => {
    const buckets = [b(3, 700), b(3, 702), b(3, 705), b(3, 709), b(3, 710), b(5, 700), b(5, 701)];
    const stale = [buckets[1], buckets[2], buckets[4], buckets[5], buckets[6]];
    expect(runsOf(buckets, stale)).toEqual([
      { projectId: 3, from: 702, to: 705 },
      { projectId: 3, from: 710, to: 710 },
      { projectId: 5, from: null, to: null },
    ]);
  });
});

/** A fake read path answering each statement from a script, recording what was asked. */
function scripted(answers: Array<(params: unknown[]) => SearchCountRow[]>): {
  reads: ReadReplicas;
  asked: unknown[][];
} {
  const asked: unknown[][] = [];
  const reads = {
    query: (_userId: number, _sql: string, params: unknown[]) => {
      asked.push(params);
      const answer = answers.shift();
      if (!answer) throw new Error('unexpected statement');
      return Promise.resolve(answer(params));
    },
  } as unknown as ReadReplicas;
  return { reads, asked };
}

const version = (p: number, bucket: number, n: number): SearchCountRow => ({
  k: SEARCH_COUNT_ROW.version,
  p,
  b: bucket,
  n,
});
const matches = (p: number, bucket: number, n: number): SearchCountRow => ({
  k: SEARCH_COUNT_ROW.matches,
  p,
  b: bucket,
  n,
});
const others = (n: number): SearchCountRow => ({ k: SEARCH_COUNT_ROW.others, p: null, b: null, n });

describe(TaskSearchCounts.name, () => {
  const plan: SearchCountPlan = {
    projectIds: [3],
    terms: ['report'],
    others: { sql: '(SELECT 2)', params: [] },
  };

  it('should count every bucket once, then answer from the versions alone until one moves', async () => {
    const { reads, asked } = scripted([
      () => [version(3, 700, 1), version(3, 701, 1), others(2)],
      () => [
        version(3, 700, 1),
        version(3, 701, 1),
        matches(3, 700, 5),
        matches(3, 701, 1),
        others(2),
      ],
      () => [version(3, 700, 1), version(3, 701, 1), others(2)],
      // A task created in bucket 701: only that bucket is counted again.
      () => [version(3, 700, 1), version(3, 701, 2), others(2)],
      () => [version(3, 700, 1), version(3, 701, 2), matches(3, 701, 2), others(2)],
    ]);
    const counts = new TaskSearchCounts(reads);
    await expect(counts.count(7, plan)).resolves.toBe(8);
    await expect(counts.count(7, plan)).resolves.toBe(8);
    await expect(counts.count(7, plan)).resolves.toBe(9);
    expect(asked).toEqual([[3], [3, 3, 'report'], [3], [3], [3, 3, 701 * 32, 702 * 32, 'report']]);
  });

  it('should count again a cached bucket whose version moved before the recount', async () => {
    const { reads, asked } = scripted([
      () => [version(3, 700, 1), version(3, 701, 1)],
      () => [version(3, 700, 1), version(3, 701, 1), matches(3, 700, 5), matches(3, 701, 1)],
      () => [version(3, 700, 1), version(3, 701, 2)],
      // Bucket 700 moved between the two statements (a task moved in from another project).
      () => [version(3, 700, 2), version(3, 701, 2), matches(3, 701, 1)],
      () => [version(3, 700, 2), version(3, 701, 2), matches(3, 700, 6)],
    ]);
    const counts = new TaskSearchCounts(reads);
    const alone = { ...plan, others: null };
    await expect(counts.count(7, alone)).resolves.toBe(6);
    await expect(counts.count(7, alone)).resolves.toBe(7);
    expect(asked.slice(2)).toEqual([
      [3],
      [3, 3, 701 * 32, 702 * 32, 'report'],
      [3, 3, 700 * 32, 701 * 32, 'report'],
    ]);
  });

  it('should read the projects whole when versions keep moving, which always agrees', async () => {
    const { reads, asked } = scripted([
      () => [version(3, 700, 1), version(3, 701, 1)],
      () => [version(3, 700, 1), version(3, 701, 1), matches(3, 700, 3), matches(3, 701, 4)],
      // Each statement finds the bucket it did not count moved.
      () => [version(3, 700, 2), version(3, 701, 1)],
      () => [version(3, 700, 2), version(3, 701, 2), matches(3, 700, 3)],
      () => [version(3, 700, 3), version(3, 701, 2), matches(3, 701, 4)],
      () => [version(3, 700, 3), version(3, 701, 2), matches(3, 700, 1), matches(3, 701, 4)],
    ]);
    const counts = new TaskSearchCounts(reads);
    const alone = { ...plan, others: null };
    await expect(counts.count(7, alone)).resolves.toBe(7);
    await expect(counts.count(7, alone)).resolves.toBe(5);
    expect(asked.slice(2)).toEqual([
      [3],
      [3, 3, 700 * 32, 701 * 32, 'report'],
      [3, 3, 701 * 32, 702 * 32, 'report'],
      [3, 3, 'report'],
    ]);
  });

  it('should keep counts of other terms apart, in any order of the terms', async () => {
    const { reads } = scripted([
      () => [version(3, 700, 1)],
      () => [version(3, 700, 1), matches(3, 700, 5)],
      () => [version(3, 700, 1)],
      () => [version(3, 700, 1), matches(3, 700, 2)],
      () => [version(3, 700, 1)],
    ]);
    const counts = new TaskSearchCounts(reads);
    const two = { projectIds: [3], terms: ['a', 'b'], others: null };
    await expect(counts.count(7, two)).resolves.toBe(5);
    await expect(counts.count(7, { ...two, terms: ['a'] })).resolves.toBe(2);
    await expect(counts.count(7, { ...two, terms: ['b', 'a'] })).resolves.toBe(5);
  });
});
