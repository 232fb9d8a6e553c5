import { buildFeedCountQuery, buildFeedPageQuery, projectFeed, taskFeed } from './feed.sql';

describe(buildFeedPageQuery.name, () => {
  it("should read a task's page oldest first with the task's count on each row", () => {
    expect(buildFeedPageQuery(taskFeed(42), 100, 20)).toEqual({
      sql:
        'SELECT a.id, a.task_id AS taskId, a.project_id AS projectId, a.actor_id AS actorId, ' +
        'a.type, a.changes, a.task_deleted AS taskDeleted, a.created_at AS createdAt, ' +
        '(SELECT COUNT(*) AS total FROM task_activity c WHERE c.task_id = ?) AS total ' +
        'FROM task_activity a WHERE a.task_id = ? ORDER BY a.id ASC LIMIT ? OFFSET ?',
      params: [42, 42, 20, 100],
    });
  });

  it("should read a project's live tasks' entries newest first, and count them alone", () => {
    const page = buildFeedPageQuery(projectFeed(7), 0, 50);
    expect(page.sql).toContain(
      'FROM task_activity c WHERE c.project_id = ? AND c.task_deleted = 0) AS total',
    );
    expect(page.sql).toMatch(
      /WHERE a\.project_id = \? AND a\.task_deleted = 0 ORDER BY a\.id DESC LIMIT \? OFFSET \?$/,
    );
    expect(page.params).toEqual([7, 7, 50, 0]);
    expect(buildFeedCountQuery(projectFeed(7))).toEqual({
      sql: 'SELECT COUNT(*) AS total FROM task_activity a WHERE a.project_id = ? AND a.task_deleted = 0',
      params: [7],
    });
  });
});
