import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTaskSearch1764500000000 implements MigrationInterface {
  name = 'CreateTaskSearch1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The searchable text of every live task, once per user who sees it (the owner, and the
    // assignee when someone else), kept exact by every task write in its own transaction. The
    // primary key clusters a user's rows in listing order (created_at, then id), so `q` reads
    // only the caller's rows, sequentially, and a created_at page stops after its matches,
    // instead of a secondary index entry plus a random lookup into `tasks` per visible task.
    // relation is task_counts' code (1 owned unassigned, 2 owned assigned to another, 3 owned
    // self-assigned, 4 assigned by another), so the scope and `assignee_id=none|me` filters are
    // conditions on this table alone. doc is LOWER(title + '\n' + description) as bytes:
    // MEDIUMBLOB since a TEXT description alone may fill 64 KB (VARBINARY cannot, with the rest
    // of the row); short docs are stored in the row, like VARBINARY.
    //
    // No index on relation: a scope selecting few of a user's rows (`scope=assigned` for a user
    // owning 100,000 tasks) scans them all (~70 ms for the q count on a 1M-task copy, against
    // 3 ms with KEY (user_id, relation, created_at)); that key would cost every task write and
    // the backfill (+50 MB, 23 → 32 s on 1M tasks) for the benefit of an uncommon query.
    //
    // task_id references tasks ON DELETE CASCADE: tasks are soft-deleted by the service (which
    // deletes these rows itself), but a hard delete (a user's cascade, the benchmark cleanup)
    // must not leave rows that X-Total-Count would still count. The check costs a read of the
    // task row the writing transaction has already locked.
    await queryRunner.query(`
      CREATE TABLE task_search (
        user_id INT UNSIGNED NOT NULL,
        created_at DATETIME(3) NOT NULL,
        task_id INT UNSIGNED NOT NULL,
        relation TINYINT UNSIGNED NOT NULL,
        doc MEDIUMBLOB NOT NULL,
        PRIMARY KEY (user_id, created_at, task_id),
        KEY idx_task_search_task (task_id),
        CONSTRAINT fk_task_search_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT fk_task_search_task FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // Set-based from the live rows, owners' and other assignees' in one statement sorted in
    // primary-key order, so that rows are appended to the clustered index rather than inserted
    // at random. Foreign-key checks are off for this statement only: every row comes from a
    // live task and its user_id from that task's own (checked) owner or assignee column, while
    // checking would cost a random read of `tasks` per row in this order. Measured on 1M tasks
    // (1.37M rows, 128 MB buffer pool): 22 s and 140 MB of pages; 99 s with the checks; 41 s
    // and 200 MB unsorted. The same LOWER as the service's writes and searches (searchDocSql,
    // src/tasks/task-search.ts).
    await queryRunner.query('SET SESSION foreign_key_checks = 0');
    try {
      await queryRunner.query(`
        INSERT INTO task_search (user_id, created_at, task_id, relation, doc)
        SELECT v.user_id, v.created_at, v.task_id, v.relation, v.doc
        FROM (
          SELECT t.user_id, t.created_at, t.id AS task_id,
            CASE WHEN t.assignee_id IS NULL THEN 1 WHEN t.assignee_id = t.user_id THEN 3 ELSE 2 END
              AS relation,
            CAST(LOWER(CONCAT(t.title, '\\n', t.description)) AS BINARY) AS doc
          FROM tasks t WHERE t.deleted_at IS NULL
          UNION ALL
          SELECT t.assignee_id, t.created_at, t.id, 4,
            CAST(LOWER(CONCAT(t.title, '\\n', t.description)) AS BINARY)
          FROM tasks t WHERE t.deleted_at IS NULL AND t.assignee_id <> t.user_id
        ) v
        ORDER BY v.user_id, v.created_at, v.task_id`);
    } finally {
      await queryRunner.query('SET SESSION foreign_key_checks = 1');
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE task_search');
  }
}
