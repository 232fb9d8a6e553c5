import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Versions of task_search by (project, bucket of 32 days of creation time), for the cached
 * search counts (src/tasks/read-models/task-search-counts.ts): a count cached under a
 * bucket's version is exact until the version moves, and every write of one of the bucket's
 * task_search rows moves it in its own transaction (TaskSearchService).
 */
export class CreateTaskSearchBuckets1765000000400 implements MigrationInterface {
  name = 'CreateTaskSearchBuckets1765000000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    // bucket is TO_DAYS(created_at) DIV 32 (searchBucketSql): ~23,000 today, SMALLINT
    // UNSIGNED holds it until the year 5700. The cascade covers a project's hard delete (a
    // user's); the service deletes a deleted project's rows itself (TaskSearchService).
    await queryRunner.query(`
      CREATE TABLE task_search_buckets (
        project_id INT UNSIGNED NOT NULL,
        bucket SMALLINT UNSIGNED NOT NULL,
        version INT UNSIGNED NOT NULL,
        PRIMARY KEY (project_id, bucket),
        CONSTRAINT fk_task_search_buckets_project FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
      ) ENGINE=InnoDB`);
    // One row per (project, bucket) holding task_search rows, from one read of task_search in
    // its primary-key order (project_id, created_at), so the groups come sorted. The same
    // bucket expression as the service's (searchBucketSql).
    await queryRunner.query(`
      INSERT INTO task_search_buckets (project_id, bucket, version)
      SELECT s.project_id, TO_DAYS(s.created_at) DIV 32, 1
      FROM task_search s
      GROUP BY s.project_id, TO_DAYS(s.created_at) DIV 32`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE task_search_buckets');
  }
}
