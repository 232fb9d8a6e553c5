import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Something a user should know about one of its tasks. Written by the task event consumer with
 * INSERT IGNORE on UNIQUE (user_id, event_id, type): a redelivered event adds nothing.
 */
@Entity({ name: 'notifications' })
export class Notification {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @Column({ type: 'varchar', length: 32, charset: 'ascii', collation: 'ascii_bin' })
  type!: string;

  @Column({ name: 'task_id', type: 'int', unsigned: true })
  taskId!: number;

  /** The task_events row it came from; BIGINT, so mysql2 answers a string. */
  @Column({
    name: 'event_id',
    type: 'bigint',
    unsigned: true,
    transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) },
  })
  eventId!: number;

  @Column({ type: 'varchar', length: 500 })
  message!: string;

  @Column({ name: 'read_at', type: 'datetime', precision: 3, nullable: true })
  readAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
