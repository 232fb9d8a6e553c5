import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications that are not about a task (`project_added`), and the contract's type names.
 * task_id and event_id become nullable (a project_added row has neither; NULL event ids never
 * collide in uq_notifications_event, so each addition notifies again); project_id names the
 * project. Stored types become the names the API answers: `task.assigned` → `assigned`,
 * `task.due_soon` → `due_soon` (the task events keep their own names).
 */
export class NotificationsForProjects1764600000100 implements MigrationInterface {
  name = 'NotificationsForProjects1764600000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE notifications
        MODIFY task_id INT UNSIGNED NULL,
        MODIFY event_id BIGINT UNSIGNED NULL,
        ADD COLUMN project_id INT UNSIGNED NULL AFTER task_id,
        ADD CONSTRAINT fk_notifications_project FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE`);
    await queryRunner.query(
      "UPDATE notifications SET type = 'assigned' WHERE type = 'task.assigned'",
    );
    await queryRunner.query(
      "UPDATE notifications SET type = 'due_soon' WHERE type = 'task.due_soon'",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The old schema cannot hold notifications without a task.
    await queryRunner.query('DELETE FROM notifications WHERE task_id IS NULL OR event_id IS NULL');
    await queryRunner.query(
      "UPDATE notifications SET type = 'task.assigned' WHERE type = 'assigned'",
    );
    await queryRunner.query(
      "UPDATE notifications SET type = 'task.due_soon' WHERE type = 'due_soon'",
    );
    await queryRunner.query(`
      ALTER TABLE notifications
        DROP FOREIGN KEY fk_notifications_project,
        DROP COLUMN project_id,
        MODIFY task_id INT UNSIGNED NOT NULL,
        MODIFY event_id BIGINT UNSIGNED NOT NULL`);
  }
}
