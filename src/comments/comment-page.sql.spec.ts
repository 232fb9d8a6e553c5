import { buildTaskCommentCountQuery, buildTaskCommentPageQuery } from './comment-page.sql';

describe(buildTaskCommentPageQuery.name, () => {
  it("should read a page oldest first with the task's comment count on each row", () => {
    expect(buildTaskCommentPageQuery(42, 100, 20)).toEqual({
      sql:
        'SELECT c.id, c.task_id, c.author_id, c.body, c.mentions, c.created_at, c.edited_at, ' +
        '(SELECT COUNT(*) AS total FROM comments n WHERE n.task_id = ?) AS total ' +
        'FROM comments c WHERE c.task_id = ? ORDER BY c.id LIMIT ? OFFSET ?',
      params: [42, 42, 20, 100],
    });
  });

  it('should count alone for a page past the last', () => {
    expect(buildTaskCommentCountQuery(42)).toEqual({
      sql: 'SELECT COUNT(*) AS total FROM comments c WHERE c.task_id = ?',
      params: [42],
    });
  });
});
