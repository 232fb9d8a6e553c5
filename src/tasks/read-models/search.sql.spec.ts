import {
  buildProjectSearchDelete,
  buildSearchRebuild,
  buildSearchWrite,
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

describe(buildSearchWrite.name, () => {
  it('should insert one row per new task, keyed by its project and creation time', () => {
    expect(buildSearchWrite(null, task())).toEqual({
      sql: `INSERT INTO task_search (project_id, created_at, task_id, doc) VALUES (?, ?, ?, ${DOC})`,
      params: [4, new Date(created), 9, 'Write REPORT', '项目'],
    });
  });

  it('should delete the row of a deleted task', () => {
    expect(buildSearchWrite(task(), null)).toEqual({
      sql: 'DELETE FROM task_search WHERE task_id = ?',
      params: [9],
    });
  });

  it('should rewrite the text, the project or both, and nothing for other fields', () => {
    expect(buildSearchWrite(task(), task({ description: 'x' }))).toEqual({
      sql: `UPDATE task_search SET doc = ${DOC} WHERE task_id = ?`,
      params: ['Write REPORT', 'x', 9],
    });
    expect(buildSearchWrite(task(), task({ project_id: 5 }))).toEqual({
      sql: 'UPDATE task_search SET project_id = ? WHERE task_id = ?',
      params: [5, 9],
    });
    expect(buildSearchWrite(task(), task({ project_id: 5, title: 'y' }))).toEqual({
      sql: `UPDATE task_search SET project_id = ?, doc = ${DOC} WHERE task_id = ?`,
      params: [5, 'y', '项目', 9],
    });
    expect(buildSearchWrite(task(), task())).toBeNull();
    expect(buildSearchWrite(null, null)).toBeNull();
  });
});

describe('task_search maintenance', () => {
  it("should drop a deleted project's rows", () => {
    expect(buildProjectSearchDelete(4)).toEqual({
      sql: 'DELETE FROM task_search WHERE project_id = ?',
      params: [4],
    });
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
    ]);
  });
});
