import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTaskCounts1764400000000 implements MigrationInterface {
  name = 'CreateTaskCounts1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The number of live tasks per (user, relation, status, priority), kept exact by every task
    // write in its own transaction, so that X-Total-Count costs a handful of primary-key reads
    // instead of walking each of a heavy user's rows. relation: 1 owned and unassigned, 2 owned
    // and assigned to someone else, 3 owned and assigned to the owner, 4 assigned to the user
    // by someone else; status and priority are the tasks table's codes.
    await queryRunner.query(`
      CREATE TABLE task_counts (
        user_id INT UNSIGNED NOT NULL,
        relation TINYINT UNSIGNED NOT NULL,
        status TINYINT UNSIGNED NOT NULL,
        priority TINYINT UNSIGNED NOT NULL,
        n INT NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, relation, status, priority),
        CONSTRAINT fk_task_counts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // Every cell of every user exists from the start (registration adds a new user's), so task
    // writes only ever UPDATE rows: record locks, never the gap locks of concurrent inserts.
    await queryRunner.query(`
      INSERT INTO task_counts (user_id, relation, status, priority, n)
      SELECT u.id, r.relation, s.status, p.priority, 0
      FROM users u
      CROSS JOIN (SELECT 1 AS relation UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) r
      CROSS JOIN (SELECT 1 AS status UNION ALL SELECT 2 UNION ALL SELECT 3) s
      CROSS JOIN (SELECT 1 AS priority UNION ALL SELECT 2 UNION ALL SELECT 3) p`);
    // One pass over the live tasks: each adds one to its owner's cell and, when assigned to
    // someone else, one to the assignee's.
    await queryRunner.query(`
      INSERT INTO task_counts (user_id, relation, status, priority, n)
      SELECT v.user_id, v.relation, v.status, v.priority, COUNT(*)
      FROM (
        SELECT t.user_id,
          CASE WHEN t.assignee_id IS NULL THEN 1 WHEN t.assignee_id = t.user_id THEN 3 ELSE 2 END AS relation,
          t.status, t.priority
        FROM tasks t WHERE t.deleted_at IS NULL
        UNION ALL
        SELECT t.assignee_id, 4, t.status, t.priority
        FROM tasks t WHERE t.deleted_at IS NULL AND t.assignee_id <> t.user_id
      ) v
      GROUP BY v.user_id, v.relation, v.status, v.priority
      ON DUPLICATE KEY UPDATE n = VALUES(n)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE task_counts');
  }
}
