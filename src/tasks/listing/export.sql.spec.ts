import { meets } from '../../../test/helpers/sql-conditions';
import { buildExportBatchQuery, keysetCondition } from './export.sql';
import { parseListQuery } from './task-list-request';
import type { Viewer } from './task-list-request';
import { ASSIGNEE_INDEXES, PROJECT_INDEXES } from './visibility.sql';

const now = new Date('2026-01-01T00:00:00.000Z');
const ME = 5;

describe(keysetCondition.name, () => {
  it('should start a range on the sort column and break ties by id', () => {
    expect(keysetCondition('title', false, { sortValue: 'b', id: 7 })).toEqual({
      sql: '(t.title >= ? AND (t.title > ? OR t.id > ?))',
      params: ['b', 'b', 7],
    });
    expect(keysetCondition('created_at', true, { sortValue: now, id: 7 })).toEqual({
      sql: '(t.created_at <= ? AND (t.created_at < ? OR t.id < ?))',
      params: [now, now, 7],
    });
  });

  it('should follow MySQL NULL order on due_date (first ascending, last descending)', () => {
    expect(keysetCondition('due_date', true, { sortValue: now, id: 7 }).sql).toBe(
      '((t.due_date <= ? AND (t.due_date < ? OR t.id < ?)) OR t.due_date IS NULL)',
    );
    expect(keysetCondition('due_date', false, { sortValue: now, id: 7 }).sql).toBe(
      '(t.due_date >= ? AND (t.due_date > ? OR t.id > ?))',
    );
    expect(keysetCondition('due_date', true, { sortValue: null, id: 7 })).toEqual({
      sql: '(t.due_date IS NULL AND t.id < ?)',
      params: [7],
    });
    expect(keysetCondition('due_date', false, { sortValue: null, id: 7 })).toEqual({
      sql: '((t.due_date IS NULL AND t.id > ?) OR t.due_date IS NOT NULL)',
      params: [7],
    });
  });

  it('should continue a due_date order exactly after the cursor, NULLs included', () => {
    // Rows in MySQL order (NULL first ascending), each cursor followed by exactly the rest.
    const rows: Array<{ id: number; due: number | null }> = [
      { id: 2, due: null },
      { id: 4, due: null },
      { id: 1, due: 10 },
      { id: 3, due: 10 },
      { id: 5, due: 20 },
    ];
    const after = (descending: boolean, cursor: (typeof rows)[number]) => {
      const { sql, params } = keysetCondition('due_date', descending, {
        sortValue: cursor.due,
        id: cursor.id,
      });
      return rows.filter((r) => meets([sql], params, { due_date: r.due, id: r.id }));
    };
    rows.forEach((cursor, i) => {
      expect(after(false, cursor)).toEqual(rows.slice(i + 1));
    });
    const desc = [...rows].reverse();
    desc.forEach((cursor, i) => {
      expect(after(true, cursor).sort((a, b) => desc.indexOf(a) - desc.indexOf(b))).toEqual(
        desc.slice(i + 1),
      );
    });
  });
});

describe(buildExportBatchQuery.name, () => {
  const viewer: Viewer = { userId: ME, projectIds: [3] };

  it('should read one part in index order without OFFSET', () => {
    const { filters } = parseListQuery({ scope: 'assigned', sort: 'title', order: 'asc' });
    const query = buildExportBatchQuery(viewer, filters, now, { sortValue: 'm', id: 9 }, 1000);
    expect(query?.sql).toMatch(
      new RegExp(
        `^SELECT t\\.id, .* FROM tasks t FORCE INDEX \\(${ASSIGNEE_INDEXES.join(', ')}\\) WHERE `,
      ),
    );
    expect(query?.sql).toContain('ORDER BY t.title ASC, t.id ASC LIMIT ?');
    expect(query?.sql).not.toContain('OFFSET');
    expect(query?.params).toEqual([ME, 'm', 'm', 9, 1000]);
  });

  it('should merge the project and assigned parts, each limited, with the keyset in both', () => {
    const { filters } = parseListQuery({});
    const query = buildExportBatchQuery(viewer, filters, now, { sortValue: now, id: 9 }, 10);
    expect(query?.sql).toContain(`FROM tasks t FORCE INDEX (${PROJECT_INDEXES.join(', ')})`);
    expect(query?.sql).toContain(' UNION ALL ');
    expect(query?.sql).toContain('ORDER BY v.created_at DESC, v.id DESC LIMIT ?');
    expect(query?.params).toEqual([3, now, now, 9, 10, ME, 3, now, now, 9, 10, 10]);
  });

  it('should match search terms on the rows, and answer null when no part can match', () => {
    const { filters } = parseListQuery({ q: '100%' });
    const query = buildExportBatchQuery(viewer, filters, now, null, 10);
    expect(query?.sql).not.toContain('task_search');
    expect(query?.params).toEqual([3, '100!%', 10, ME, 3, '100!%', 10, 10]);
    const none = parseListQuery({ scope: 'assigned', assignee_id: 'none' }).filters;
    expect(buildExportBatchQuery(viewer, none, now, null, 10)).toBeNull();
  });
});
