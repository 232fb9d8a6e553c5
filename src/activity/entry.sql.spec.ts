import { buildEntryInsert } from './entry.sql';

describe(buildEntryInsert.name, () => {
  it('should insert a visible entry with its changes as JSON', () => {
    const at = new Date('2026-12-02T10:00:00.000Z');
    const changes = [{ field: 'title', from: 'a', to: 'b' }];
    expect(
      buildEntryInsert({
        taskId: 5,
        projectId: 3,
        actorId: 2,
        type: 'updated',
        changes,
        createdAt: at,
      }),
    ).toEqual({
      sql:
        'INSERT INTO task_activity (task_id, project_id, actor_id, type, changes, task_deleted, created_at) ' +
        'VALUES (?, ?, ?, ?, ?, 0, ?)',
      params: [5, 3, 2, 'updated', JSON.stringify(changes), at],
    });
  });
});
