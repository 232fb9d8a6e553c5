import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email: the outgoing messages and their sent-log (mail), password reset tokens (auth) and the
 * per-user email switches (notifications).
 */
export class CreateEmail1764900000100 implements MigrationInterface {
  name = 'CreateEmail1764900000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per email that must go out: uq_email_messages_key (kind, source, recipient) makes
    // "one email per event and recipient" a unique key, whatever the queue redelivers.
    // `content` (the rendered message) is written with the notification that causes it, in
    // the same transaction (an outbox: a Redis outage loses nothing), and cleared once SMTP
    // accepted it. idx_email_messages_unpublished serves the relay's scan.
    await queryRunner.query(`
      CREATE TABLE email_messages (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        kind VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        source_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        recipient VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        message_id VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        content MEDIUMTEXT NULL,
        created_at DATETIME(3) NOT NULL,
        published_at DATETIME(3) NULL,
        lease_until DATETIME(3) NULL,
        attempts INT UNSIGNED NOT NULL DEFAULT 0,
        sent_at DATETIME(3) NULL,
        last_error VARCHAR(500) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_email_messages_key (kind, source_id, recipient),
        KEY idx_email_messages_unpublished (published_at, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // Only the SHA-256 of a reset token is stored; request_id is the forgot-password request
    // that made it, so a retried email job finds (and resends) the same token.
    await queryRunner.query(`
      CREATE TABLE password_reset_tokens (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id INT UNSIGNED NOT NULL,
        request_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        used_at DATETIME(3) NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_password_reset_tokens_request (request_id),
        UNIQUE KEY uq_password_reset_tokens_hash (token_hash),
        KEY idx_password_reset_tokens_user (user_id),
        CONSTRAINT fk_password_reset_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // No row: every switch on (the default), so existing users need no backfill.
    await queryRunner.query(`
      CREATE TABLE notification_settings (
        user_id INT UNSIGNED NOT NULL,
        email_assigned TINYINT(1) NOT NULL DEFAULT 1,
        email_mentioned TINYINT(1) NOT NULL DEFAULT 1,
        email_commented TINYINT(1) NOT NULL DEFAULT 1,
        email_due_soon TINYINT(1) NOT NULL DEFAULT 1,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (user_id),
        CONSTRAINT fk_notification_settings_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE notification_settings');
    await queryRunner.query('DROP TABLE password_reset_tokens');
    await queryRunner.query('DROP TABLE email_messages');
  }
}
