import { Entity, PrimaryColumn } from 'typeorm';

/**
 * That a task carries a label (CreateLabels migration). The labels themselves are the labels
 * module's; a task only carries labels of its own project (TasksService keeps it so on every
 * write and move), so a label id also says which project's tasks can carry it.
 */
@Entity({ name: 'task_labels' })
export class TaskLabel {
  @PrimaryColumn({ name: 'task_id', type: 'int', unsigned: true })
  taskId!: number;

  @PrimaryColumn({ name: 'label_id', type: 'int', unsigned: true })
  labelId!: number;
}
