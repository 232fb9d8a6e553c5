import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTasks1764100000000 implements MigrationInterface {
  name = 'CreateTasks1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // status 1 pending, 2 in_progress, 3 completed; priority 1 low, 2 medium, 3 high, so that
    // ORDER BY priority sorts low < medium < high and the codes fit the indexes in one byte.
    //
    // Every listing is the union of two branches, "owned" (user_id = me) and "assigned to me"
    // (assignee_id = me), each restricted to live rows (deleted_at IS NULL). Hence each index
    // starts with (user_id, deleted_at) or (assignee_id, deleted_at) and continues with one sort
    // column, so a page is read in index order and stops after LIMIT; InnoDB appends the primary
    // key, which gives the `id` tie-break for free. The *_status indexes serve status/priority
    // filters, overdue and the stats, and cover them (no row lookups).
    await queryRunner.query(`
      CREATE TABLE tasks (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id INT UNSIGNED NOT NULL,
        assignee_id INT UNSIGNED NULL,
        title VARCHAR(200) NOT NULL,
        description TEXT NOT NULL,
        status TINYINT UNSIGNED NOT NULL,
        priority TINYINT UNSIGNED NOT NULL,
        due_date DATETIME(3) NULL,
        completed_at DATETIME(3) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        deleted_at DATETIME(3) NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        PRIMARY KEY (id),
        KEY idx_tasks_owner_created (user_id, deleted_at, created_at),
        KEY idx_tasks_owner_updated (user_id, deleted_at, updated_at),
        KEY idx_tasks_owner_due (user_id, deleted_at, due_date),
        KEY idx_tasks_owner_priority (user_id, deleted_at, priority),
        KEY idx_tasks_owner_title (user_id, deleted_at, title),
        KEY idx_tasks_owner_status (user_id, deleted_at, status, priority, due_date),
        KEY idx_tasks_assignee_created (assignee_id, deleted_at, created_at),
        KEY idx_tasks_assignee_status (assignee_id, deleted_at, status, priority, due_date, user_id),
        CONSTRAINT fk_tasks_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT fk_tasks_assignee FOREIGN KEY (assignee_id) REFERENCES users (id) ON DELETE SET NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // The record of every task change, written in the same transaction as the change. A later
    // relay publishes rows with published_at IS NULL in id order (idx_task_events_unpublished).
    await queryRunner.query(`
      CREATE TABLE task_events (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        event_type VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        task_id INT UNSIGNED NOT NULL,
        actor_id INT UNSIGNED NOT NULL,
        payload MEDIUMTEXT NOT NULL,
        occurred_at DATETIME(3) NOT NULL,
        published_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        KEY idx_task_events_unpublished (published_at, id),
        KEY idx_task_events_task (task_id, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE task_events');
    await queryRunner.query('DROP TABLE tasks');
  }
}
