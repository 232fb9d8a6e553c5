import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateWebhooks1764300000100 implements MigrationInterface {
  name = 'CreateWebhooks1764300000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    // user_id: the owner's list and the consumer's "webhooks of these users" lookup.
    await queryRunner.query(`
      CREATE TABLE webhooks (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        user_id INT UNSIGNED NOT NULL,
        url VARCHAR(2048) NOT NULL,
        events VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        secret VARCHAR(255) NOT NULL,
        active TINYINT(1) NOT NULL DEFAULT 1,
        consecutive_failures INT UNSIGNED NOT NULL DEFAULT 0,
        disabled_reason VARCHAR(255) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        KEY idx_webhooks_user (user_id, active),
        CONSTRAINT fk_webhooks_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // Unique (webhook, event): a redispatched event cannot create a second delivery.
    // (webhook, created_at): the deliveries log, newest first. (webhook, task, event): the
    // "earlier delivery of this task still under way" check that keeps a task's events in order.
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        webhook_id INT UNSIGNED NOT NULL,
        event_id BIGINT UNSIGNED NOT NULL,
        task_id INT UNSIGNED NOT NULL,
        event_type VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        body MEDIUMTEXT NOT NULL,
        status VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        attempts INT UNSIGNED NOT NULL DEFAULT 0,
        response_status SMALLINT UNSIGNED NULL,
        last_error VARCHAR(1024) NULL,
        created_at DATETIME(3) NOT NULL,
        delivered_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_webhook_deliveries_event (webhook_id, event_id),
        KEY idx_webhook_deliveries_log (webhook_id, created_at),
        KEY idx_webhook_deliveries_task (webhook_id, task_id, event_id),
        CONSTRAINT fk_webhook_deliveries_webhook FOREIGN KEY (webhook_id) REFERENCES webhooks (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE webhook_deliveries');
    await queryRunner.query('DROP TABLE webhooks');
  }
}
