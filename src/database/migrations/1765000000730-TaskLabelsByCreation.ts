import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * task_labels carries its task's creation time, and its label index is ordered by it, so the
 * listing's `label` filter reads a page in the default order (created_at, id) on that index
 * alone and stops at the page's end, instead of reading every match's task row and sorting
 * them (labels.sql.ts, labelOrderedSource). A task's created_at never changes, so the copy is
 * written with the row and stays true. The index still starts with label_id: it counts a
 * label's tasks and serves the label foreign key and a label's deletion, as the
 * (label_id, task_id) index it replaces did.
 */
export class TaskLabelsByCreation1765000000730 implements MigrationInterface {
  name = 'TaskLabelsByCreation1765000000730';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE task_labels ADD COLUMN task_created_at DATETIME(3) NULL AFTER label_id',
    );
    await queryRunner.query(
      'UPDATE task_labels tl JOIN tasks t ON t.id = tl.task_id SET tl.task_created_at = t.created_at',
    );
    await queryRunner.query(`
      ALTER TABLE task_labels
        MODIFY task_created_at DATETIME(3) NOT NULL,
        ADD KEY idx_task_labels_label_created (label_id, task_created_at, task_id),
        DROP KEY idx_task_labels_label`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE task_labels
        ADD KEY idx_task_labels_label (label_id, task_id),
        DROP KEY idx_task_labels_label_created,
        DROP COLUMN task_created_at`);
  }
}
