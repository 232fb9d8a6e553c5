import type { SqlQuery } from '../../common/database/sql';
import { priorityCode, statusCode } from '../domain/task.constants';
import type { TaskFields } from '../domain/task.rules';

/**
 * The INSERT of a new live task (version 1) created by `creatorId` at `now`. Plain SQL rather
 * than TypeORM's insert builder, which spent more CPU building this one statement than the
 * rest of POST /tasks' handler (bench/README.md); TasksRepository.insert and the create floor
 * (bench/floor-server.ts) run it.
 */
export function buildTaskInsert(creatorId: number, fields: TaskFields, now: Date): SqlQuery {
  return {
    sql:
      'INSERT INTO tasks (user_id, project_id, assignee_id, title, description, status, priority, ' +
      'due_date, completed_at, created_at, updated_at, deleted_at, version) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 1)',
    params: [
      creatorId,
      fields.projectId,
      fields.assigneeId,
      fields.title,
      fields.description,
      statusCode(fields.status),
      priorityCode(fields.priority),
      fields.dueDate,
      fields.completedAt,
      now,
      now,
    ],
  };
}
