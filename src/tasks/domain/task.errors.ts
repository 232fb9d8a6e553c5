import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationFailedError,
} from '../../common/errors/domain-errors';

/** Also answers for tasks that exist but are not visible to the caller, so ids reveal nothing. */
export class TaskNotFoundError extends NotFoundError {
  constructor() {
    super('task not found');
  }
}

export class TaskForbiddenError extends ForbiddenError {}

export class TaskPreconditionFailedError extends PreconditionFailedError {
  constructor() {
    super('the task has changed since the ETag in If-Match; fetch it again and retry');
  }
}

export class AssigneeNotFoundError extends ValidationFailedError {
  constructor() {
    super(
      [{ field: 'assignee_id', message: 'assignee_id must be the id of an existing user' }],
      'assignee_id: no such user',
    );
  }
}

export class EmptyTaskUpdateError extends ValidationFailedError {
  constructor() {
    super(
      [{ field: 'body', message: 'send at least one field to change' }],
      'body: send at least one field to change',
    );
  }
}

/** `project_id` names a project the caller cannot see (or none): 404, as for a task. */
export class TaskProjectNotFoundError extends NotFoundError {
  constructor() {
    super('project not found');
  }
}

export class ArchivedProjectError extends ConflictError {
  constructor() {
    super('the project is archived: its tasks cannot be created or changed until it is unarchived');
  }
}

export class SameProjectMoveError extends ValidationFailedError {
  constructor() {
    super(
      [{ field: 'project_id', message: 'the task is already in this project' }],
      'project_id: the task is already in this project',
    );
  }
}

/** `label_ids` names labels that are not the task's project's (or no labels at all). */
export class InvalidTaskLabelsError extends ValidationFailedError {
  constructor(unknown: readonly number[]) {
    const message = `label_ids must be ids of labels of the task's project; not: ${unknown.join(', ')}`;
    super([{ field: 'label_ids', message }], `label_ids: ${message}`);
  }
}
