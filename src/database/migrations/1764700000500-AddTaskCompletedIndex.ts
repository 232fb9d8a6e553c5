import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tasks by completion time within a project, for the completion report: "completed in this
 * year" is one index range, where it otherwise read every task of the project (created_at
 * bounds nothing: a task completed today may be years old). Built online (InnoDB in place, no
 * lock), so writes go on while a large table is indexed.
 */
export class AddTaskCompletedIndex1764700000500 implements MigrationInterface {
  name = 'AddTaskCompletedIndex1764700000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE tasks ADD KEY idx_tasks_project_completed (project_id, deleted_at, completed_at), ALGORITHM=INPLACE, LOCK=NONE',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE tasks DROP KEY idx_tasks_project_completed');
  }
}
