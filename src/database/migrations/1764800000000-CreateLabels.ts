import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateLabels1764800000000 implements MigrationInterface {
  name = 'CreateLabels1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Labels (the labels module). `name_key` is the name as MariaDB lower-cases it, compared
    // byte for byte: names are unique per project case-insensitively but accent-sensitively
    // (the table's unicode_ci collation would also make `cafe` clash with `café`), and the
    // listing's `label` filter finds them with the same LOWER() on its side.
    await queryRunner.query(`
      CREATE TABLE labels (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        project_id INT UNSIGNED NOT NULL,
        name VARCHAR(50) NOT NULL,
        name_key VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin AS (LOWER(name)) PERSISTENT,
        color CHAR(7) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '#808080',
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_labels_project_name (project_id, name_key),
        CONSTRAINT fk_labels_project FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // One row per project that ever had a label: grows on every label write in the same
    // transaction, so the per-project label cache never takes an older list for a newer one
    // (and label writes of one project queue up on it).
    await queryRunner.query(`
      CREATE TABLE label_versions (
        project_id INT UNSIGNED NOT NULL,
        version INT UNSIGNED NOT NULL,
        PRIMARY KEY (project_id),
        CONSTRAINT fk_label_versions_project FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
      ) ENGINE=InnoDB`);
    // The labels a live task carries (the tasks module; a task's or project's deletion takes its
    // rows). The primary key reads a page's labels; the (label_id, task_id) index counts and
    // drives the listing's `label` filter.
    // A label's deletion removes its rows here itself (TaskLabelDeletion, in the label's
    // transaction); the cascades only cover hard deletes (a user's, taking its projects). An
    // insert naming a label share-locks its row, so it waits for a deletion in flight.
    await queryRunner.query(`
      CREATE TABLE task_labels (
        task_id INT UNSIGNED NOT NULL,
        label_id INT UNSIGNED NOT NULL,
        PRIMARY KEY (task_id, label_id),
        KEY idx_task_labels_label (label_id, task_id),
        CONSTRAINT fk_task_labels_task FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE,
        CONSTRAINT fk_task_labels_label FOREIGN KEY (label_id) REFERENCES labels (id) ON DELETE CASCADE
      ) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE task_labels');
    await queryRunner.query('DROP TABLE label_versions');
    await queryRunner.query('DROP TABLE labels');
  }
}
