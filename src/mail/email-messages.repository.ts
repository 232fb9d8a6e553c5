import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PublishedRange, publishedRangeCondition, PublishedRow } from '../jobs/outbox-redelivery';
import { EmailMessage } from './email-message.entity';
import type { EmailContent, EmailKey } from './outgoing-email';

export type ClaimOutcome =
  { kind: 'claimed' | 'sent' | 'missing' } | { kind: 'busy'; leaseUntil: Date };

/** The email outbox and sent-log (`email_messages`). Plain SQL where a row count decides. */
@Injectable()
export class EmailMessagesRepository {
  constructor(
    @InjectRepository(EmailMessage) private readonly messages: Repository<EmailMessage>,
  ) {}

  /**
   * Records an email to send, inside the caller's transaction (it commits with what caused
   * it); an email with the same key exists already → nothing happens.
   */
  async insertQueued(
    manager: EntityManager,
    key: EmailKey,
    messageId: string,
    content: EmailContent,
    now: Date,
  ): Promise<void> {
    await manager.query(
      'INSERT IGNORE INTO email_messages (kind, source_id, recipient, message_id, content, created_at, published_at, attempts) VALUES (?, ?, ?, ?, ?, ?, NULL, 0)',
      [key.kind, key.sourceId, key.recipient, messageId, JSON.stringify(content), now],
    );
  }

  /**
   * The row of an email its caller sends itself (no stored content, never relayed), made if
   * missing; its id.
   */
  async ensureDirect(key: EmailKey, messageId: string, now: Date): Promise<number> {
    await this.messages.query(
      'INSERT IGNORE INTO email_messages (kind, source_id, recipient, message_id, content, created_at, published_at, attempts) VALUES (?, ?, ?, ?, NULL, ?, ?, 0)',
      [key.kind, key.sourceId, key.recipient, messageId, now, now],
    );
    const rows = await this.messages.query<Array<{ id: string | number }>>(
      'SELECT id FROM email_messages WHERE kind = ? AND source_id = ? AND recipient = ?',
      [key.kind, key.sourceId, key.recipient],
    );
    return Number(rows[0].id);
  }

  /** Ids of the oldest emails not yet on the queue. No lock: publishing is idempotent. */
  async unpublished(limit: number): Promise<number[]> {
    const rows = await this.messages.query<Array<{ id: string | number }>>(
      'SELECT id FROM email_messages WHERE published_at IS NULL ORDER BY id LIMIT ?',
      [limit],
    );
    return rows.map((row) => Number(row.id));
  }

  async markPublished(ids: number[], now: Date): Promise<void> {
    await this.messages.query(
      'UPDATE email_messages SET published_at = ? WHERE id IN (?) AND published_at IS NULL',
      [now, ids],
    );
  }

  /**
   * Queued emails published within the range and not sent yet, in (published_at, id) order:
   * the redelivery sweep's read (idx_email_messages_unsent). An email sent directly (no stored
   * content: a password reset) has no `mail.send` job and is left out.
   */
  async publishedUnsent(range: PublishedRange, limit: number): Promise<PublishedRow[]> {
    const condition = publishedRangeCondition(range);
    const rows = await this.messages.query<Array<{ id: string | number; published_at: Date }>>(
      `SELECT id, published_at FROM email_messages WHERE sent_at IS NULL AND ${condition.sql} AND content IS NOT NULL ORDER BY published_at, id LIMIT ?`,
      [...condition.params, limit],
    );
    return rows.map((row) => ({ id: Number(row.id), publishedAt: row.published_at }));
  }

  /** Hands emails whose job was lost back to the relay (see OutboxRedelivery.unpublish). */
  async unpublish(ids: number[], before: Date): Promise<number> {
    const result = await this.messages.query<{ affectedRows: number }>(
      'UPDATE email_messages SET published_at = NULL WHERE id IN (?) AND sent_at IS NULL AND content IS NOT NULL AND published_at < ?',
      [ids, before],
    );
    return result.affectedRows;
  }

  /**
   * Takes the email for one send attempt until `leaseUntil`: a conditional UPDATE, so of two
   * workers holding the same job (a stalled job handed to another while the first still runs)
   * one sends; the other is told `busy`. A lease left by a crashed sender lapses.
   */
  async claim(id: number, now: Date, leaseUntil: Date): Promise<ClaimOutcome> {
    const result = await this.messages.query<{ affectedRows: number }>(
      'UPDATE email_messages SET lease_until = ?, attempts = attempts + 1 WHERE id = ? AND sent_at IS NULL AND (lease_until IS NULL OR lease_until < ?)',
      [leaseUntil, id, now],
    );
    if (result.affectedRows === 1) return { kind: 'claimed' };
    const row = await this.messages.findOne({
      select: { id: true, sentAt: true, leaseUntil: true },
      where: { id: String(id) },
    });
    if (!row) return { kind: 'missing' };
    if (row.sentAt) return { kind: 'sent' };
    return { kind: 'busy', leaseUntil: row.leaseUntil ?? leaseUntil };
  }

  findById(id: number): Promise<EmailMessage | null> {
    return this.messages.findOneBy({ id: String(id) });
  }

  /** The SMTP server accepted it: record that, and drop the content (links, tokens). */
  async markSent(id: number, now: Date): Promise<void> {
    await this.messages.query(
      'UPDATE email_messages SET sent_at = ?, lease_until = NULL, content = NULL, last_error = NULL WHERE id = ?',
      [now, id],
    );
  }

  /** The attempt failed: free the row for the next one. */
  async release(id: number, error: string): Promise<void> {
    await this.messages.query(
      'UPDATE email_messages SET lease_until = NULL, last_error = ? WHERE id = ? AND sent_at IS NULL',
      [error.slice(0, 500), id],
    );
  }

  /** Age in seconds of the oldest email not yet on the queue (0 when none). */
  async oldestUnpublishedAgeSeconds(): Promise<number> {
    const rows = await this.messages.query<Array<{ oldest: Date | null }>>(
      'SELECT MIN(created_at) AS oldest FROM email_messages WHERE published_at IS NULL',
    );
    const oldest = rows[0]?.oldest;
    return oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0;
  }
}
