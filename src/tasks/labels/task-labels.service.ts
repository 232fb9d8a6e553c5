import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TaskLabelDto } from '../../labels/http/dto/label-response.dto';
import { LabelsService, NamedLabel, toTaskLabel } from '../../labels/labels.service';
import type { Task } from '../domain/task.entity';
import { InvalidTaskLabelsError } from '../domain/task.errors';
import {
  TaskResponseDto,
  taskRowToResponse,
  TaskSqlRow,
  toTaskResponse,
} from '../dto/task-response.dto';
import { LabelledTask, TaskLabelsRepository } from './task-labels.repository';

/**
 * The labels tasks carry: which (task_labels, this module's) and what they look like (names and
 * colours, the labels module's). Task responses are built here whenever they need labels.
 */
@Injectable()
export class TaskLabelsService {
  constructor(
    private readonly taskLabels: TaskLabelsRepository,
    private readonly labels: LabelsService,
  ) {}

  /** Each task's labels by name: two queries for any number of tasks (a page, a batch). */
  async labelsOf(
    taskIds: readonly number[],
    manager?: EntityManager,
  ): Promise<Map<number, TaskLabelDto[]>> {
    const idsByTask = await this.taskLabels.labelIdsOf(taskIds, manager);
    const byTask = new Map<number, TaskLabelDto[]>();
    if (idsByTask.size === 0) return byTask;
    const records = await this.labels.findByIds(
      [...new Set([...idsByTask.values()].flat())],
      manager,
    );
    const tasksOf = new Map<number, number[]>();
    for (const [taskId, ids] of idsByTask) {
      for (const id of ids) tasksOf.set(id, [...(tasksOf.get(id) ?? []), taskId]);
    }
    // Records come by name: appending in that order keeps each task's list by name.
    for (const record of records) {
      for (const taskId of tasksOf.get(record.id) ?? []) {
        byTask.set(taskId, [...(byTask.get(taskId) ?? []), toTaskLabel(record)]);
      }
    }
    return byTask;
  }

  /** Raw task rows as responses, with their labels (batched). */
  async rowsToResponses(rows: readonly TaskSqlRow[]): Promise<TaskResponseDto[]> {
    const labels = await this.labelsOf(rows.map((row) => Number(row.id)));
    return rows.map((row) => taskRowToResponse(row, labels.get(Number(row.id)) ?? []));
  }

  /** Tasks as responses, with their labels (batched). */
  async tasksToResponses(
    tasks: readonly Task[],
    manager?: EntityManager,
  ): Promise<TaskResponseDto[]> {
    const labels = await this.labelsOf(
      tasks.map((task) => task.id),
      manager,
    );
    return tasks.map((task) => toTaskResponse(task, labels.get(task.id) ?? []));
  }

  async responseOf(task: Task, manager?: EntityManager): Promise<TaskResponseDto> {
    const [response] = await this.tasksToResponses([task], manager);
    return response;
  }

  /** The label ids of each task (for cache entries). */
  labelIdsOf(taskIds: readonly number[]): Promise<Map<number, number[]>> {
    return this.taskLabels.labelIdsOf(taskIds);
  }

  /**
   * The labels a task of `projectId` is to carry, share-locked (none can be deleted before the
   * write commits): 400 naming `label_ids` when one is no label of that project.
   */
  async lockForTask(
    manager: EntityManager,
    projectId: number,
    ids: readonly number[],
  ): Promise<TaskLabelDto[]> {
    const wanted = [...new Set(ids)];
    const found = await this.labels.lockForTask(manager, projectId, wanted);
    if (found.length !== wanted.length) {
      const known = new Set(found.map((label) => label.id));
      throw new InvalidTaskLabelsError(wanted.filter((id) => !known.has(id)));
    }
    return found.map(toTaskLabel);
  }

  /** The task's current labels, in its write transaction (the task row is locked). */
  async current(manager: EntityManager, taskId: number): Promise<TaskLabelDto[]> {
    const ids = await this.taskLabels.labelIdsIn(manager, taskId);
    return (await this.labels.findByIds(ids, manager)).map(toTaskLabel);
  }

  /** Makes the task carry exactly `after` instead of `before`. */
  async replace(
    manager: EntityManager,
    task: LabelledTask,
    before: readonly TaskLabelDto[],
    after: readonly TaskLabelDto[],
  ): Promise<void> {
    const kept = new Set(after.map((label) => label.id));
    const had = new Set(before.map((label) => label.id));
    await this.taskLabels.remove(
      manager,
      task.id,
      [...had].filter((id) => !kept.has(id)),
    );
    await this.taskLabels.add(
      manager,
      task,
      [...kept].filter((id) => !had.has(id)),
    );
  }

  /** A deleted task's rows (task_labels holds the labels of live tasks only). */
  removeTask(manager: EntityManager, taskId: number): Promise<void> {
    return this.taskLabels.removeTasks(manager, { taskId });
  }

  /** The rows of a deleted project's tasks. */
  removeProject(manager: EntityManager, projectId: number): Promise<void> {
    return this.taskLabels.removeTasks(manager, { projectId });
  }

  /** Takes a deleted label off every task (LabelDeletionParticipant). */
  removeLabel(manager: EntityManager, labelId: number): Promise<number> {
    return this.taskLabels.removeLabel(manager, labelId);
  }

  /**
   * The labels of a cached task (ids) as they are now, from the per-project label cache:
   * renamed ones with their new names, deleted ones left out.
   */
  async resolveCached(projectId: number, ids: readonly number[]): Promise<TaskLabelDto[]> {
    return (await this.labels.resolve(projectId, ids)).map(toTaskLabel);
  }

  /** The projects of the user's assigned tasks outside `memberOf` (TaskLabelsRepository). */
  assignedProjectIds(userId: number, memberOf: readonly number[]): Promise<number[]> {
    return this.taskLabels.assignedProjectIds(userId, memberOf);
  }

  /** The labels of the projects named one of `names` (case-insensitively). */
  findLabelsByNames(
    projectIds: readonly number[],
    names: readonly string[],
  ): Promise<NamedLabel[]> {
    return this.labels.findByNames(projectIds, names);
  }
}
