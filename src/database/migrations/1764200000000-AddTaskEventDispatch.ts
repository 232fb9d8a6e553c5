import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTaskEventDispatch1764200000000 implements MigrationInterface {
  name = 'AddTaskEventDispatch1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The dispatcher runs an event only after every earlier event of the same task has run
    // (`task_id = ? AND id < ? AND dispatched_at IS NULL`, served by idx_task_events_task).
    await queryRunner.query('ALTER TABLE task_events ADD COLUMN dispatched_at DATETIME(3) NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE task_events DROP COLUMN dispatched_at');
  }
}
