import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { placeholders } from '../../common/database/sql';
import { TaskLabel } from '../domain/task-label.entity';
import type { Task } from '../domain/task.entity';

type Runner = Pick<EntityManager, 'query'>;

/** What a task_labels row copies of its task. */
export type LabelledTask = Pick<Task, 'id' | 'createdAt'>;

/** The task_labels table: which labels each task carries. */
@Injectable()
export class TaskLabelsRepository {
  constructor(@InjectRepository(TaskLabel) private readonly rows: Repository<TaskLabel>) {}

  /** The label ids of each of `taskIds` (tasks without labels are absent): one query. */
  async labelIdsOf(
    taskIds: readonly number[],
    runner: Runner = this.rows.manager,
  ): Promise<Map<number, number[]>> {
    const byTask = new Map<number, number[]>();
    if (taskIds.length === 0) return byTask;
    const rows = await runner.query<Array<{ task_id: number; label_id: number }>>(
      `SELECT task_id, label_id FROM task_labels WHERE task_id IN (${placeholders(taskIds.length)})`,
      [...taskIds],
    );
    for (const row of rows) {
      const taskId = Number(row.task_id);
      const ids = byTask.get(taskId) ?? [];
      ids.push(Number(row.label_id));
      byTask.set(taskId, ids);
    }
    return byTask;
  }

  /**
   * The task's label ids in a task write, a plain read: the task row is locked, so no other
   * task write changes them, and a locking read of a task without labels would gap-lock
   * task_labels against other tasks' inserts.
   */
  async labelIdsIn(manager: EntityManager, taskId: number): Promise<number[]> {
    const rows = await manager.query<Array<{ label_id: number }>>(
      'SELECT label_id FROM task_labels WHERE task_id = ?',
      [taskId],
    );
    return rows.map((row) => Number(row.label_id));
  }

  /** Makes `task` carry `labelIds`, each row with the task's creation time (the index's order). */
  async add(
    manager: EntityManager,
    task: LabelledTask,
    labelIds: readonly number[],
  ): Promise<void> {
    if (labelIds.length === 0) return;
    await manager.query(
      `INSERT INTO task_labels (task_id, label_id, task_created_at) VALUES ${labelIds.map(() => '(?, ?, ?)').join(', ')}`,
      labelIds.flatMap((labelId) => [task.id, labelId, task.createdAt]),
    );
  }

  async remove(manager: EntityManager, taskId: number, labelIds: readonly number[]): Promise<void> {
    if (labelIds.length === 0) return;
    await manager.query(
      `DELETE FROM task_labels WHERE task_id = ? AND label_id IN (${placeholders(labelIds.length)})`,
      [taskId, ...labelIds],
    );
  }

  /** The rows of one task, or of every task of a project (their deletion). */
  async removeTasks(
    manager: EntityManager,
    of: { taskId: number } | { projectId: number },
  ): Promise<void> {
    if ('taskId' in of) {
      await manager.query('DELETE FROM task_labels WHERE task_id = ?', [of.taskId]);
      return;
    }
    await manager.query(
      `DELETE tl FROM task_labels tl JOIN tasks t ON t.id = tl.task_id WHERE t.project_id = ?`,
      [of.projectId],
    );
  }

  /** Takes a deleted label off every task (through the label index). */
  async removeLabel(manager: EntityManager, labelId: number): Promise<number> {
    const result = await manager.query<{ affectedRows?: number }>(
      'DELETE FROM task_labels WHERE label_id = ?',
      [labelId],
    );
    return Number(result.affectedRows ?? 0);
  }

  /**
   * The projects of the user's live assigned tasks outside `memberOf`: where else the listing's
   * `label` filter must look names up (an assignee sees those tasks, not their projects).
   * Reads the user's assigned tasks; there are few outside its own projects.
   */
  async assignedProjectIds(userId: number, memberOf: readonly number[]): Promise<number[]> {
    const outside =
      memberOf.length > 0 ? ` AND project_id NOT IN (${placeholders(memberOf.length)})` : '';
    const rows = await this.rows.query<Array<{ project_id: number }>>(
      `SELECT DISTINCT project_id FROM tasks FORCE INDEX (idx_tasks_assignee_created)
        WHERE assignee_id = ? AND deleted_at IS NULL${outside}`,
      [userId, ...memberOf],
    );
    return rows.map((row) => Number(row.project_id));
  }
}
