import { Column, Entity, PrimaryColumn } from 'typeorm';

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

  /**
   * The task's created_at (it never changes), written with the row: the label index is
   * ordered by it, so the `label` filter reads a page in the default order on the index alone
   * (TaskLabelsByCreation migration).
   */
  @Column({ name: 'task_created_at', type: 'datetime', precision: 3 })
  taskCreatedAt!: Date;
}
