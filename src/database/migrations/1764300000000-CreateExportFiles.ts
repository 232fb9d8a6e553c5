import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateExportFiles1764300000000 implements MigrationInterface {
  name = 'CreateExportFiles1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The bytes of an export, in order, in chunks of about 1 MiB: any API instance can stream
    // them, and neither the writer nor the reader ever holds a whole file. Rows carry their
    // own expiry so the chunks of an export that never finished are purged too.
    await queryRunner.query(`
      CREATE TABLE export_file_chunks (
        job_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        seq INT UNSIGNED NOT NULL,
        data MEDIUMBLOB NOT NULL,
        created_at DATETIME(3) NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        PRIMARY KEY (job_id, seq),
        KEY idx_export_file_chunks_expires (expires_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // One row per finished export, written after its last chunk: its presence means "complete".
    await queryRunner.query(`
      CREATE TABLE export_files (
        job_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        user_id INT UNSIGNED NOT NULL,
        format VARCHAR(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        row_count INT UNSIGNED NOT NULL,
        chunk_count INT UNSIGNED NOT NULL,
        byte_count BIGINT UNSIGNED NOT NULL,
        created_at DATETIME(3) NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        PRIMARY KEY (job_id),
        KEY idx_export_files_expires (expires_at),
        CONSTRAINT fk_export_files_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE export_files');
    await queryRunner.query('DROP TABLE export_file_chunks');
  }
}
