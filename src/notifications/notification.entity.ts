import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Something a user should know about one of its tasks (written by the task event consumer with
 * INSERT IGNORE on UNIQUE (user_id, event_id, type): a redelivered event adds nothing) or
 * projects (`project_added`, written in the membership transaction: no task, no event).
 */
@Entity({ name: 'notifications' })
export class Notification {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @Column({ type: 'varchar', length: 32, charset: 'ascii', collation: 'ascii_bin' })
  type!: string;

  @Column({ name: 'task_id', type: 'int', unsigned: true, nullable: true })
  taskId!: number | null;

  @Column({ name: 'project_id', type: 'int', unsigned: true, nullable: true })
  projectId!: number | null;

  /** The task_events row it came from (null: none); BIGINT, so mysql2 answers a string. */
  @Column({
    name: 'event_id',
    type: 'bigint',
    unsigned: true,
    nullable: true,
    transformer: {
      to: (v: number | null) => v,
      from: (v: string | number | null) => (v === null ? null : Number(v)),
    },
  })
  eventId!: number | null;

  @Column({ type: 'varchar', length: 500 })
  message!: string;

  @Column({ name: 'read_at', type: 'datetime', precision: 3, nullable: true })
  readAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
