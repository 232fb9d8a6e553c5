import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One entry of a task's activity history, written in the transaction of the change it tells
 * (see ActivityRecorder and AttachmentsService). `project_id` is the task's project when it
 * happened, for the project feed; `task_deleted` hides the entries of a deleted task there.
 */
@Entity({ name: 'task_activity' })
export class TaskActivity {
  /** BIGINT: mysql2 answers a string (ids stay below 2^53, so Number() is exact). */
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'task_id', type: 'int', unsigned: true })
  taskId!: number;

  @Column({ name: 'project_id', type: 'int', unsigned: true })
  projectId!: number;

  @Column({ name: 'actor_id', type: 'int', unsigned: true })
  actorId!: number;

  /** An ActivityType. */
  @Column({ type: 'varchar', length: 32, charset: 'ascii', collation: 'ascii_bin' })
  type!: string;

  /** JSON array of `{"field", "from", "to"}`. */
  @Column({ type: 'mediumtext' })
  changes!: string;

  @Column({ name: 'task_deleted', type: 'tinyint', width: 1, default: 0 })
  taskDeleted!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
