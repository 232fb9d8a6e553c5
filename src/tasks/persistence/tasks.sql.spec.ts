import { buildTaskInsert } from './tasks.sql';

describe(buildTaskInsert.name, () => {
  it('should insert a live first version with status and priority as their codes', () => {
    const now = new Date('2026-12-02T10:00:00.123Z');
    const due = new Date('2027-01-01T00:00:00.000Z');
    const insert = buildTaskInsert(
      7,
      {
        title: 'Plan',
        description: 'the week',
        status: 'completed',
        priority: 'high',
        dueDate: due,
        assigneeId: 9,
        completedAt: now,
        projectId: 3,
      },
      now,
    );
    expect(insert.sql).toBe(
      'INSERT INTO tasks (user_id, project_id, assignee_id, title, description, status, priority, ' +
        'due_date, completed_at, created_at, updated_at, deleted_at, version) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 1)',
    );
    // status codes: pending 1, in_progress 2, completed 3; priorities: low 1, medium 2, high 3.
    expect(insert.params).toEqual([7, 3, 9, 'Plan', 'the week', 3, 3, due, now, now, now]);
  });
});
