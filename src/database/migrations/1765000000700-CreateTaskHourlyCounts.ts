import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live tasks created and completed per (project, UTC hour), for the completion report
 * (src/tasks/read-models/hourly-counts.sql.ts): every task write moves its counters in its own
 * transaction (TaskCountsService), so a year of a project is ~17,000 counters at most, whatever
 * the number of its tasks.
 */
export class CreateTaskHourlyCounts1765000000700 implements MigrationInterface {
  name = 'CreateTaskHourlyCounts1765000000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    // kind 1 created, 2 completed; hour: UTC hours since the epoch (~490,000 today). The cascade
    // covers a project's hard delete (a user's); the service deletes a deleted project's rows
    // itself (TaskCountsService.removeProject).
    await queryRunner.query(`
      CREATE TABLE task_hourly_counts (
        project_id INT UNSIGNED NOT NULL,
        kind TINYINT UNSIGNED NOT NULL,
        hour INT NOT NULL,
        n INT NOT NULL,
        PRIMARY KEY (project_id, kind, hour),
        CONSTRAINT fk_task_hourly_counts_project FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
      ) ENGINE=InnoDB`);
    // One grouped read of the live tasks; the hour as the service computes it (hourSql: TO_SECONDS
    // reads the stored UTC DATETIME, 62167219200 is TO_SECONDS of the epoch).
    await queryRunner.query(`
      INSERT INTO task_hourly_counts (project_id, kind, hour, n)
      SELECT t.project_id, 1, (TO_SECONDS(t.created_at) - 62167219200) DIV 3600 AS hour, COUNT(*)
      FROM tasks t WHERE t.deleted_at IS NULL
      GROUP BY t.project_id, hour
      UNION ALL
      SELECT t.project_id, 2, (TO_SECONDS(t.completed_at) - 62167219200) DIV 3600 AS hour, COUNT(*)
      FROM tasks t WHERE t.deleted_at IS NULL AND t.completed_at IS NOT NULL
      GROUP BY t.project_id, hour`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE task_hourly_counts');
  }
}
