import fc from 'fast-check';
import { meets } from '../../../test/helpers/sql-conditions';
import { TASK_SCOPES } from '../domain/task.constants';
import { assigneeConditions } from './filters.sql';
import type { TaskListFilters, Viewer } from './task-list-request';
import {
  ASSIGNEE_INDEXES,
  MAX_PROJECT_PARTS,
  PROJECT_INDEXES,
  visibleParts,
} from './visibility.sql';

const ME = 7;
const base: TaskListFilters = { scope: 'all', terms: [], sort: 'created_at', order: 'desc' };
const viewer: Viewer = { userId: ME, projectIds: [3, 5] };
const project = (id: number) => ({
  where: { conditions: ['t.project_id = ?'], params: [id] },
  projectIds: [id],
  indexes: PROJECT_INDEXES,
});

describe(visibleParts.name, () => {
  it('should read each member project as a part, plus my assigned tasks elsewhere', () => {
    expect(visibleParts(viewer, base)).toEqual([
      project(3),
      project(5),
      {
        where: {
          conditions: ['t.assignee_id = ?', 't.project_id NOT IN (?, ?)'],
          params: [ME, 3, 5],
        },
        indexes: ASSIGNEE_INDEXES,
      },
    ]);
  });

  it('should read only my assigned tasks for a user in no project', () => {
    expect(visibleParts({ userId: ME, projectIds: [] }, base)).toEqual([
      { where: { conditions: ['t.assignee_id = ?'], params: [ME] }, indexes: ASSIGNEE_INDEXES },
    ]);
  });

  it('should leave out the assigned part for unassigned tasks, and other parts for one assignee', () => {
    expect(visibleParts(viewer, { ...base, assignee: 'none' })).toEqual([project(3), project(5)]);
    expect(visibleParts(viewer, { ...base, assignee: ME })).toEqual([
      { where: { conditions: ['t.assignee_id = ?'], params: [ME] }, indexes: ASSIGNEE_INDEXES },
    ]);
    // Another user's assigned tasks: those of my projects only.
    expect(visibleParts(viewer, { ...base, assignee: 9 })).toEqual([
      {
        where: { conditions: ['t.assignee_id = ?', 't.project_id IN (?, ?)'], params: [9, 3, 5] },
        indexes: ASSIGNEE_INDEXES,
      },
    ]);
    expect(visibleParts({ userId: ME, projectIds: [] }, { ...base, assignee: 9 })).toEqual([]);
  });

  it('should narrow to the project filter, keeping a non-member project for my assigned tasks', () => {
    expect(visibleParts(viewer, { ...base, projectIds: [5] })).toEqual([project(5)]);
    expect(visibleParts(viewer, { ...base, projectIds: [4, 5] })).toEqual([
      project(5),
      {
        where: {
          conditions: ['t.assignee_id = ?', 't.project_id NOT IN (?, ?)', 't.project_id IN (?, ?)'],
          params: [ME, 3, 5, 4, 5],
        },
        indexes: ASSIGNEE_INDEXES,
      },
    ]);
  });

  it('should read scope=assigned on the assignee index and scope=owned as one part', () => {
    expect(visibleParts(viewer, { ...base, scope: 'assigned', projectIds: [4] })).toEqual([
      {
        where: { conditions: ['t.assignee_id = ?', 't.project_id IN (?)'], params: [ME, 4] },
        indexes: ASSIGNEE_INDEXES,
      },
    ]);
    expect(visibleParts(viewer, { ...base, scope: 'assigned', assignee: 'none' })).toEqual([]);
    expect(visibleParts(viewer, { ...base, scope: 'owned' })).toEqual([
      {
        where: {
          conditions: ['t.user_id = ?', '(t.project_id IN (?, ?) OR t.assignee_id = ?)'],
          params: [ME, 3, 5, ME],
        },
        indexes: ['idx_tasks_owner_created'],
      },
    ]);
  });

  it(`should read more than ${MAX_PROJECT_PARTS} projects as one IN list`, () => {
    const many = Array.from({ length: MAX_PROJECT_PARTS + 1 }, (_, i) => i + 1);
    const parts = visibleParts({ userId: ME, projectIds: many }, base);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toEqual({
      where: { conditions: [`t.project_id IN (${many.map(() => '?').join(', ')})`], params: many },
      projectIds: many,
      indexes: PROJECT_INDEXES,
    });
    const exactly = many.slice(0, MAX_PROJECT_PARTS);
    expect(visibleParts({ userId: ME, projectIds: exactly }, base)).toHaveLength(
      MAX_PROJECT_PARTS + 1,
    );
  });

  it('should select, in disjoint parts, exactly the visible tasks the filters select', () => {
    const ids = fc.integer({ min: 1, max: 20 });
    fc.assert(
      fc.property(
        fc.uniqueArray(ids, { maxLength: 19 }).map((a) => a.sort((x, y) => x - y)),
        fc.constantFrom(...TASK_SCOPES),
        fc.option(fc.oneof(fc.constant('none' as const), fc.integer({ min: 6, max: 8 })), {
          nil: undefined,
        }),
        fc.option(
          fc.uniqueArray(ids, { minLength: 1, maxLength: 4 }).map((a) => a.sort((x, y) => x - y)),
          { nil: undefined },
        ),
        fc.array(
          fc.record({
            project_id: ids,
            user_id: fc.integer({ min: 6, max: 8 }),
            assignee_id: fc.option(fc.integer({ min: 6, max: 8 })),
          }),
          { maxLength: 40 },
        ),
        (projectIds, scope, assignee, only, tasks) => {
          const v: Viewer = { userId: ME, projectIds };
          const filters: TaskListFilters = { ...base, scope, assignee, projectIds: only };
          const parts = visibleParts(v, filters);
          const assigneeFilter = assigneeConditions(filters);
          for (const task of tasks) {
            const visible = projectIds.includes(task.project_id) || task.assignee_id === ME;
            const expected =
              visible &&
              (scope !== 'owned' || task.user_id === ME) &&
              (scope !== 'assigned' || task.assignee_id === ME) &&
              (assignee === undefined ||
                (assignee === 'none'
                  ? task.assignee_id === null
                  : task.assignee_id === assignee)) &&
              (!only || only.includes(task.project_id));
            const matching = parts.filter(
              (p) =>
                meets(p.where.conditions, p.where.params, task) &&
                meets(assigneeFilter.conditions, assigneeFilter.params, task),
            );
            expect(matching.length).toBe(expected ? 1 : 0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
