import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateActivity1764800000200 implements MigrationInterface {
  name = 'CreateActivity1764800000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One index per feed, each ending in the id the feed is ordered by, so a page is a range
    // read: a task's entries oldest first (task_id, id), a project's live tasks' entries newest
    // first (project_id, task_deleted, id). No foreign keys: the history outlives nothing it
    // names (tasks are soft-deleted), and a key to users would lock the user row on every write.
    await queryRunner.query(`
      CREATE TABLE task_activity (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        task_id INT UNSIGNED NOT NULL,
        project_id INT UNSIGNED NOT NULL,
        actor_id INT UNSIGNED NOT NULL,
        type VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        changes MEDIUMTEXT NOT NULL,
        task_deleted TINYINT(1) NOT NULL DEFAULT 0,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        KEY idx_task_activity_task (task_id, id),
        KEY idx_task_activity_project (project_id, task_deleted, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE task_activity');
  }
}
