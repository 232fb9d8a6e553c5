import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One email that must go out, and once sent its record: the outbox and the sent-log in one row,
 * unique per (kind, source, recipient). See MailService for the delivery guarantees.
 */
@Entity({ name: 'email_messages' })
export class EmailMessage {
  /** BIGINT: mysql2 answers a string. */
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  /** `password_reset`, or the notification type (`assigned`, `due_soon`, …). */
  @Column({ type: 'varchar', length: 32, charset: 'ascii', collation: 'ascii_bin' })
  kind!: string;

  /** What caused it: the notification id, the forgot-password request id. */
  @Column({
    name: 'source_id',
    type: 'varchar',
    length: 64,
    charset: 'ascii',
    collation: 'ascii_bin',
  })
  sourceId!: string;

  @Column({ type: 'varchar', length: 254, charset: 'utf8mb4', collation: 'utf8mb4_bin' })
  recipient!: string;

  /** The Message-ID header, derived from the key, so every attempt sends the same one. */
  @Column({
    name: 'message_id',
    type: 'varchar',
    length: 255,
    charset: 'ascii',
    collation: 'ascii_bin',
  })
  messageId!: string;

  /** The rendered EmailContent as JSON; null once sent, or for an email sent directly. */
  @Column({ type: 'mediumtext', nullable: true })
  content!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  /** Set when the relay has put its `mail.send` job on the queue. */
  @Column({ name: 'published_at', type: 'datetime', precision: 3, nullable: true })
  publishedAt!: Date | null;

  /** A sender holds the row until then; after a crash another may take it once it passed. */
  @Column({ name: 'lease_until', type: 'datetime', precision: 3, nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'int', unsigned: true })
  attempts!: number;

  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;
}
