import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIdempotencyKeys1764100000001 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1764100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The unique key (user_id, idem_key) is the claim: the first INSERT wins, every concurrent
    // retry gets ER_DUP_ENTRY and reads the winner's row instead of creating a second resource.
    // idem_key is printable ASCII compared byte for byte (keys are case-sensitive).
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id INT UNSIGNED NOT NULL,
        idem_key VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        request_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        claim_token CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        response_status SMALLINT UNSIGNED NULL,
        response_headers TEXT NULL,
        response_body MEDIUMTEXT NULL,
        created_at DATETIME(3) NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_idempotency_keys_user_key (user_id, idem_key),
        KEY idx_idempotency_keys_expires (expires_at),
        CONSTRAINT fk_idempotency_keys_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE idempotency_keys');
  }
}
