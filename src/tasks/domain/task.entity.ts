import { Column, Entity, PrimaryGeneratedColumn, ValueTransformer } from 'typeorm';
import {
  priorityCode,
  priorityFromCode,
  statusCode,
  statusFromCode,
  TaskPriority,
  TaskStatus,
} from './task.constants';

const statusTransformer: ValueTransformer = {
  to: (value: TaskStatus | undefined) => (value === undefined ? undefined : statusCode(value)),
  from: (value: number) => statusFromCode(Number(value)),
};

const priorityTransformer: ValueTransformer = {
  to: (value: TaskPriority | undefined) => (value === undefined ? undefined : priorityCode(value)),
  from: (value: number) => priorityFromCode(Number(value)),
};

/**
 * A task. `version` grows by one on every write and makes the ETag; writes go through
 * conditional UPDATEs in TasksRepository, never through `save()`, so it is a plain column.
 * `deleted_at` marks a soft delete; every query filters it explicitly.
 */
@Entity({ name: 'tasks' })
export class Task {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'user_id', type: 'int', unsigned: true })
  userId!: number;

  @Column({ name: 'project_id', type: 'int', unsigned: true })
  projectId!: number;

  @Column({ name: 'assignee_id', type: 'int', unsigned: true, nullable: true })
  assigneeId!: number | null;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'tinyint', unsigned: true, transformer: statusTransformer })
  status!: TaskStatus;

  @Column({ type: 'tinyint', unsigned: true, transformer: priorityTransformer })
  priority!: TaskPriority;

  @Column({ name: 'due_date', type: 'datetime', precision: 3, nullable: true })
  dueDate!: Date | null;

  @Column({ name: 'completed_at', type: 'datetime', precision: 3, nullable: true })
  completedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @Column({ name: 'deleted_at', type: 'datetime', precision: 3, nullable: true })
  deletedAt!: Date | null;

  @Column({ type: 'int', unsigned: true })
  version!: number;
}
