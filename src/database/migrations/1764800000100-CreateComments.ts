import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateComments1764800000100 implements MigrationInterface {
  name = 'CreateComments1764800000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    // idx_comments_task serves the listing (`task_id = ? ORDER BY id LIMIT …`) and its count.
    // `mentions` is the JSON list of the users the body mentions now; `mentioned_ever` every
    // user it has mentioned since it was written, so an edit notifies only newcomers. Deletion
    // is hard (the text goes when its author deletes it); a deleted task's comments stay but are
    // unreachable, as the task answers 404, and go with the row if a task is ever purged.
    await queryRunner.query(`
      CREATE TABLE comments (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        task_id INT UNSIGNED NOT NULL,
        author_id INT UNSIGNED NOT NULL,
        body TEXT NOT NULL,
        mentions VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        mentioned_ever MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        created_at DATETIME(3) NOT NULL,
        edited_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        KEY idx_comments_task (task_id, id),
        CONSTRAINT fk_comments_task FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE,
        CONSTRAINT fk_comments_author FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE comments');
  }
}
