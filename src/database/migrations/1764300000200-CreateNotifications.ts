import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateNotifications1764300000200 implements MigrationInterface {
  name = 'CreateNotifications1764300000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    // uq_notifications_event: a redelivered task event inserts nothing (INSERT IGNORE), so a
    // user never gets the same notification twice. idx_notifications_user_read serves the
    // listing (`user_id = ? [AND read_at IS NULL] ORDER BY id DESC`).
    await queryRunner.query(`
      CREATE TABLE notifications (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id INT UNSIGNED NOT NULL,
        type VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        task_id INT UNSIGNED NOT NULL,
        event_id BIGINT UNSIGNED NOT NULL,
        message VARCHAR(500) NOT NULL,
        read_at DATETIME(3) NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_notifications_event (user_id, event_id, type),
        KEY idx_notifications_user_read (user_id, read_at, id),
        CONSTRAINT fk_notifications_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // One row per reminder that fired: the primary key makes firing idempotent per
    // (task, due date), whatever the queue does (a retried or duplicated job fires once).
    await queryRunner.query(`
      CREATE TABLE task_reminders (
        task_id INT UNSIGNED NOT NULL,
        due_at DATETIME(3) NOT NULL,
        fired_at DATETIME(3) NOT NULL,
        PRIMARY KEY (task_id, due_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE task_reminders');
    await queryRunner.query('DROP TABLE notifications');
  }
}
