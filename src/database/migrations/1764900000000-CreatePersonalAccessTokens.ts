import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePersonalAccessTokens1764900000000 implements MigrationInterface {
  name = 'CreatePersonalAccessTokens1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Every request made with a token looks it up by `token_hash` (unique index, one row); the
    // list is by user. `revoked_at` marks a deleted token. `scopes` is a comma list of scope
    // names (checked by the application, so a new scope needs no ALTER). The user's tokens go
    // with the user.
    await queryRunner.query(`
      CREATE TABLE personal_access_tokens (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id INT UNSIGNED NOT NULL,
        name VARCHAR(100) NOT NULL,
        scopes VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        last_used_at DATETIME(3) NULL,
        created_at DATETIME(3) NOT NULL,
        revoked_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_personal_access_tokens_token_hash (token_hash),
        KEY idx_personal_access_tokens_user (user_id, revoked_at),
        CONSTRAINT fk_personal_access_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE personal_access_tokens');
  }
}
