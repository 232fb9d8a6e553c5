import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outboxes' redelivery sweeps (OutboxRedelivery) read the rows published within a time
 * range and not handled yet, in (published_at, id) order: `dispatched_at IS NULL AND
 * published_at …` on task_events, `sent_at IS NULL AND published_at …` on email_messages.
 * These indexes serve that read as one range in order (the primary key completes them), so a
 * sweep touches only the few rows in flight or failed, never the handled history. A handled
 * row leaves the range once, when its handled mark is set.
 */
export class OutboxRedeliveryIndexes1765000000800 implements MigrationInterface {
  name = 'OutboxRedeliveryIndexes1765000000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE task_events ADD KEY idx_task_events_undispatched (dispatched_at, published_at)',
    );
    await queryRunner.query(
      'ALTER TABLE email_messages ADD KEY idx_email_messages_unsent (sent_at, published_at)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE email_messages DROP KEY idx_email_messages_unsent');
    await queryRunner.query('ALTER TABLE task_events DROP KEY idx_task_events_undispatched');
  }
}
