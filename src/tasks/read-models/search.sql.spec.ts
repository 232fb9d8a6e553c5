import {
  buildBucketBump,
  buildBucketsRefresh,
  buildProjectSearchDelete,
  buildSearchRebuild,
  buildSearchWrites,
  SearchedTask,
} from './search.sql';

const DOC = "CAST(LOWER(CONCAT(?, '\\n', ?)) AS BINARY)";
const created = '2026-01-15T12:00:00.000Z';
const task = (over: Partial<SearchedTask> = {}): SearchedTask => ({
  id: 9,
  project_id: 4,
  title: 'Write REPORT',
  description: '项目',
  created_at: created,
  ...over,
});

const BUMP_SQL = (rows: number): string =>
  'INSERT INTO task_search_buckets (project_id, bucket, version) VALUES ' +
  Array.from({ length: rows }, () => '(?, TO_DAYS(?) DIV 32, 1)').join(', ') +
  ' ON DUPLICATE KEY UPDATE version = version + 1';

describe(buildSearchWrites.name, () => {
  it('should insert one row per new task, keyed by its project and creation time, and bump its bucket', () => {
    expect(buildSearchWrites(null, task())).toEqual([
      {
        sql: `INSERT INTO task_search (project_id, created_at, task_id, doc) VALUES (?, ?, ?, ${DOC})`,
        params: [4, new Date(created), 9, 'Write REPORT', '项目'],
      },
      { sql: BUMP_SQL(1), params: [4, new Date(created)] },
    ]);
  });

  it('should delete the row of a deleted task and bump its bucket', () => {
    expect(buildSearchWrites(task(), null)).toEqual([
      { sql: 'DELETE FROM task_search WHERE task_id = ?', params: [9] },
      { sql: BUMP_SQL(1), params: [4, new Date(created)] },
    ]);
  });

  it('should rewrite the text, the project or both, bumping every bucket touched, and nothing for other fields', () => {
    expect(buildSearchWrites(task(), task({ description: 'x' }))).toEqual([
      {
        sql: `UPDATE task_search SET doc = ${DOC} WHERE task_id = ?`,
        params: ['Write REPORT', 'x', 9],
      },
      { sql: BUMP_SQL(1), params: [4, new Date(created)] },
    ]);
    expect(buildSearchWrites(task({ project_id: 7 }), task({ project_id: 5 }))).toEqual([
      { sql: 'UPDATE task_search SET project_id = ? WHERE task_id = ?', params: [5, 9] },
      // The two projects' buckets in project order, whatever the direction of the move.
      { sql: BUMP_SQL(2), params: [5, new Date(created), 7, new Date(created)] },
    ]);
    expect(buildSearchWrites(task(), task({ project_id: 5, title: 'y' }))).toEqual([
      {
        sql: `UPDATE task_search SET project_id = ?, doc = ${DOC} WHERE task_id = ?`,
        params: [5, 'y', '项目', 9],
      },
      { sql: BUMP_SQL(2), params: [4, new Date(created), 5, new Date(created)] },
    ]);
    expect(buildSearchWrites(task(), task())).toEqual([]);
    expect(buildSearchWrites(null, null)).toEqual([]);
  });
});

describe(buildBucketBump.name, () => {
  it('should name each project once', () => {
    expect(buildBucketBump([6, 6], created)).toEqual({
      sql: BUMP_SQL(1),
      params: [6, new Date(created)],
    });
  });
});

describe('task_search maintenance', () => {
  it("should drop a deleted project's rows and buckets", () => {
    expect(buildProjectSearchDelete(4)).toEqual([
      { sql: 'DELETE FROM task_search WHERE project_id = ?', params: [4] },
      { sql: 'DELETE FROM task_search_buckets WHERE project_id = ?', params: [4] },
    ]);
  });

  it('should rebuild a project range from its live tasks in primary-key order', () => {
    expect(buildSearchRebuild(4, 6)).toEqual([
      { sql: 'DELETE FROM task_search WHERE project_id BETWEEN ? AND ?', params: [4, 6] },
      {
        sql:
          'INSERT INTO task_search (project_id, created_at, task_id, doc) ' +
          "SELECT t.project_id, t.created_at, t.id, CAST(LOWER(CONCAT(t.title, '\\n', t.description)) AS BINARY) " +
          'FROM tasks t WHERE t.project_id BETWEEN ? AND ? AND t.deleted_at IS NULL ' +
          'ORDER BY t.project_id, t.created_at, t.id',
        params: [4, 6],
      },
      ...buildBucketsRefresh(4, 6),
    ]);
  });

  it('should grow every bucket version of a refreshed project range and add the missing buckets', () => {
    expect(buildBucketsRefresh(4, 6)).toEqual([
      {
        sql: 'UPDATE task_search_buckets SET version = version + 1 WHERE project_id BETWEEN ? AND ?',
        params: [4, 6],
      },
      {
        sql:
          'INSERT IGNORE INTO task_search_buckets (project_id, bucket, version) ' +
          'SELECT s.project_id, TO_DAYS(s.created_at) DIV 32, 1 FROM task_search s ' +
          'WHERE s.project_id BETWEEN ? AND ? GROUP BY 1, 2',
        params: [4, 6],
      },
    ]);
  });
});
