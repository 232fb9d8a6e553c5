import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A task event as stored, in the same transaction as the change it records. `published_at`
 * stays NULL until a relay hands the event on (the outbox of a later issue).
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

  /** JSON `{"before": Task|null, "after": Task|null}`. */
  @Column({ type: 'mediumtext' })
  payload!: string;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt!: Date;

  @Column({ name: 'published_at', type: 'datetime', precision: 3, nullable: true })
  publishedAt!: Date | null;
}
