import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A task event as stored, in the same transaction as the change it records: the transactional
 * outbox. `published_at` is set when the relay has put it on the queue, `dispatched_at` when
 * its consumers have run.
 */
@Entity({ name: 'task_events' })
export class TaskEventRecord {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({
    name: 'event_type',
    type: 'varchar',
    length: 32,
    charset: 'ascii',
    collation: 'ascii_bin',
  })
  eventType!: string;

  @Column({ name: 'task_id', type: 'int', unsigned: true })
  taskId!: number;

  @Column({ name: 'actor_id', type: 'int', unsigned: true })
  actorId!: number;

  /** JSON `{"before": Task|null, "after": Task|null}`, plus `"comment": Comment` on `comment.created`. */
  @Column({ type: 'mediumtext' })
  payload!: string;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt!: Date;

  @Column({ name: 'published_at', type: 'datetime', precision: 3, nullable: true })
  publishedAt!: Date | null;

  /** Set once the event's consumers have run (see task-event-dispatcher.ts). */
  @Column({ name: 'dispatched_at', type: 'datetime', precision: 3, nullable: true })
  dispatchedAt!: Date | null;
}
