import { buildExportBatchQuery, keysetCondition } from './task-export.query';
import { parseListQuery } from './task-list.query';

const now = new Date('2026-01-01T00:00:00.000Z');

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
    expect(keysetCondition('due_date', true, { sortValue: null, id: 7 })).toEqual({
      sql: '(t.due_date IS NULL AND t.id < ?)',
      params: [7],
    });
    expect(keysetCondition('due_date', false, { sortValue: null, id: 7 })).toEqual({
      sql: '((t.due_date IS NULL AND t.id > ?) OR t.due_date IS NOT NULL)',
      params: [7],
    });
  });
});

describe(buildExportBatchQuery.name, () => {
  it('should read one owned branch in index order without OFFSET', () => {
    const { filters } = parseListQuery({ scope: 'owned', sort: 'title', order: 'asc' });
    const query = buildExportBatchQuery(5, filters, now, { sortValue: 'm', id: 9 }, 1000);
    expect(query?.sql).toMatch(/^SELECT t\.id, .* FROM tasks t FORCE INDEX/);
    expect(query?.sql).toContain('ORDER BY t.title ASC, t.id ASC LIMIT ?');
    expect(query?.sql).not.toContain('OFFSET');
    expect(query?.params).toEqual([5, 'm', 'm', 9, 1000]);
  });

  it('should merge the owned and assigned branches, each limited, with the keyset in both', () => {
    const { filters } = parseListQuery({});
    const query = buildExportBatchQuery(5, filters, now, { sortValue: now, id: 9 }, 10);
    expect(query?.sql).toContain(' UNION ALL ');
    expect(query?.sql).toContain('ORDER BY v.created_at DESC, v.id DESC LIMIT ?');
    expect(query?.params).toEqual([5, now, now, 9, 10, 5, 5, now, now, 9, 10, 10]);
  });

  it('should answer null when no branch can match', () => {
    const { filters } = parseListQuery({ scope: 'assigned', assignee_id: 'none' });
    expect(buildExportBatchQuery(5, filters, now, null, 10)).toBeNull();
  });
});
