import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUserIdentities1764900000200 implements MigrationInterface {
  name = 'CreateUserIdentities1764900000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The unique key makes (provider, sub) name one user, so two first logins of one subject
    // racing each other link once; the user's identities go with the user.
    await queryRunner.query(`
      CREATE TABLE user_identities (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id INT UNSIGNED NOT NULL,
        provider VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        subject VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        email VARCHAR(254) NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_user_identities_subject (provider, subject),
        KEY idx_user_identities_user (user_id),
        CONSTRAINT fk_user_identities_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE user_identities');
  }
}
