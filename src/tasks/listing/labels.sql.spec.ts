import {
  buildPartCountsQuery,
  LABEL_DRIVEN_MAX,
  labelCountSources,
  labelPageSources,
} from './labels.sql';
import { buildExportBatchQuery } from './export.sql';
import { buildPageRowsQuery, listingSources } from './listing.sql';
import type { TaskListFilters, Viewer } from './task-list-request';
import { PROJECT_INDEXES } from './visibility.sql';

const ME = 7;
const NOW = new Date('2026-01-15T12:00:00.000Z');
const member: Viewer = { userId: ME, projectIds: [3, 5] };
const BY_PROJECT = `tasks t FORCE INDEX (${PROJECT_INDEXES.join(', ')})`;
const DRIVEN = 'task_labels tl STRAIGHT_JOIN tasks t ON t.id = tl.task_id';
const probe = (n: number, id: string, labels: number) =>
  `EXISTS (SELECT 1 FROM task_labels tl${n} WHERE tl${n}.task_id = ${id} AND ` +
  `tl${n}.label_id IN (${Array.from({ length: labels }, () => '?').join(', ')}))`;

// bug is label 11 in project 3 and 21 in project 5; urgent only 12 in project 3.
const labelled: TaskListFilters = {
  scope: 'all',
  terms: [],
  sort: 'created_at',
  order: 'desc',
  labels: ['bug', 'urgent'],
  labelMatches: [
    [
      { id: 11, projectId: 3 },
      { id: 21, projectId: 5 },
    ],
    [{ id: 12, projectId: 3 }],
  ],
};

describe(labelCountSources.name, () => {
  it("should count a project part on task_labels' index alone, other names as probes", () => {
    const [project3, assigned] = labelCountSources(member, labelled, NOW);
    expect(project3).toEqual({
      from: 'task_labels tl',
      where: {
        conditions: ['tl.label_id IN (?)', probe(1, 'tl.task_id', 1)],
        params: [11, 12],
      },
      id: 'tl.task_id',
      sort: 'tl.task_created_at',
    });
    // Project 5 has no urgent: its part cannot match and is left out. The assigned part (any
    // project) joins its rows for the assignee, with the labels of every project.
    expect(assigned.from).toBe(DRIVEN);
    expect(assigned.where.conditions[0]).toBe('tl.label_id IN (?, ?)');
    expect(assigned.where.params.slice(0, 2)).toEqual([11, 21]);
    expect(listingSources(member, labelled, NOW)).toEqual([project3, assigned]);
  });

  it('should join the rows when another filter needs them, and match search terms on them', () => {
    const [part] = labelCountSources(
      member,
      { ...labelled, statuses: ['pending'], terms: ['x'] },
      NOW,
    );
    expect(part.from).toBe(DRIVEN);
    expect(part.where.conditions).toEqual(
      expect.arrayContaining(['t.project_id = ?', 't.deleted_at IS NULL', 't.status IN (?)']),
    );
    expect(part.where.conditions.join(' ')).not.toContain('task_search');
  });

  it('should match nothing when a name found no label, and refuse an unresolved filter', () => {
    const unknown = { ...labelled, labelMatches: [[{ id: 11, projectId: 3 }], []] };
    expect(labelCountSources(member, unknown, NOW)).toEqual([]);
    expect(() => labelCountSources(member, { ...labelled, labelMatches: undefined }, NOW)).toThrow(
      /not resolved/,
    );
  });

  it('should read every count in one row', () => {
    expect(buildPartCountsQuery(labelCountSources(member, labelled, NOW))?.sql).toMatch(
      /^SELECT \(SELECT COUNT\(\*\) FROM task_labels tl WHERE .*\) AS c0, \(SELECT COUNT\(\*\) FROM task_labels tl STRAIGHT_JOIN .*\) AS c1$/,
    );
    expect(buildPartCountsQuery([])).toBeNull();
  });
});

describe(labelPageSources.name, () => {
  const byUpdate: TaskListFilters = { ...labelled, sort: 'updated_at' };

  it('should read a project part in the default sort on the label index, in its order', () => {
    const [project3, assigned] = labelPageSources(member, labelled, NOW, [
      LABEL_DRIVEN_MAX,
      LABEL_DRIVEN_MAX + 1,
    ]);
    expect(project3).toEqual(labelCountSources(member, labelled, NOW)[0]);
    expect(project3.sort).toBe('tl.task_created_at');
    // The assigned part needs its rows (for the assignee): read in index order, probed.
    expect(assigned.from).toMatch(/^tasks t FORCE INDEX \(idx_tasks_assignee/);
    const request = { filters: labelled, page: 2, pageSize: 20 };
    const page = buildPageRowsQuery(member, request, NOW, [3, 0]);
    expect(page?.sql).toContain(
      'FROM task_labels tl WHERE tl.label_id IN (?) AND ' +
        `${probe(1, 'tl.task_id', 1)} ORDER BY tl.task_created_at DESC, tl.task_id DESC LIMIT ? OFFSET ?`,
    );
    expect(page?.params).toEqual([11, 12, 20, 20]);
  });

  it('should read the rows of a part when its filters need them', () => {
    const [part] = labelPageSources(member, { ...labelled, priorities: ['high'] }, NOW, [3, 0]);
    expect(part.from).toBe(DRIVEN);
  });

  it("should read a part with few matches from the label's tasks, many in index order", () => {
    const [few, many] = labelPageSources(member, byUpdate, NOW, [
      LABEL_DRIVEN_MAX,
      LABEL_DRIVEN_MAX + 1,
    ]);
    expect(few.from).toBe(DRIVEN);
    expect(few.sort).toBe('t.updated_at');
    expect(many.from).toMatch(/^tasks t FORCE INDEX \(idx_tasks_assignee/);
    expect(many.where.conditions.slice(-2)).toEqual([probe(1, 't.id', 2), probe(2, 't.id', 1)]);
    const project = labelPageSources(member, byUpdate, NOW, [5000, 0]);
    expect(project).toHaveLength(1);
    expect(project[0].from).toBe(BY_PROJECT);
  });

  it('should need the counts for a page under a label filter', () => {
    const request = { filters: byUpdate, page: 1, pageSize: 20 };
    expect(() => buildPageRowsQuery(member, request, NOW)).toThrow(/counts/);
    expect(buildPageRowsQuery(member, request, NOW, [0, 0])).toBeNull();
    expect(buildPageRowsQuery(member, request, NOW, [3, 0])?.sql).toContain(DRIVEN);
  });

  it("should export from the label's tasks", () => {
    expect(buildExportBatchQuery(member, labelled, NOW, null, 100)?.sql).toContain(DRIVEN);
  });
});
