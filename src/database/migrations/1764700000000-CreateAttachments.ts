import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAttachments1764700000000 implements MigrationInterface {
  name = 'CreateAttachments1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The bytes live in the attachment storage under `storage_key` (random, never derived from
    // the file name). No foreign keys to tasks or users: a row must outlive its task (and its
    // uploader) until the purge job has removed its bytes, or they would be orphaned.
    await queryRunner.query(`
      CREATE TABLE attachments (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        task_id INT UNSIGNED NOT NULL,
        filename VARCHAR(255) NOT NULL,
        content_type VARCHAR(255) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
        size BIGINT UNSIGNED NOT NULL,
        sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        storage_key VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        uploaded_by INT UNSIGNED NOT NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_attachments_storage_key (storage_key),
        KEY idx_attachments_task (task_id, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE attachments');
  }
}
